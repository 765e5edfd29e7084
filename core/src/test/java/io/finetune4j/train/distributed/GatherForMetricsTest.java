package io.finetune4j.train.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Sharded evaluation, gathered and trimmed, equals a single-process evaluation row for row. */
class GatherForMetricsTest {
    /** Every rank "predicts" its rows (the prediction of row i is i), then the outputs are gathered. */
    private static List<Integer> evaluate(int n, int batch, int world, boolean dropLast) {
        int[] order = IntStream.range(0, n).toArray(); // SequentialSampler
        List<int[]> batches = BatchShards.batches(order, batch, dropLast);
        List<List<List<Integer>>> perRank = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            List<List<Integer>> steps = new ArrayList<>();
            for (int[] b : BatchShards.shard(batches, batch, dropLast, world, r)) {
                steps.add(Arrays.stream(b).boxed().toList());
            }
            perRank.add(steps);
        }
        return GatherForMetrics.gather(perRank, n, batch, dropLast);
    }

    @Test
    void handComputed() {
        // 10 rows, 4 per device, 2 ranks: step 1 gathers [8,9,0,1] + [2,3,4,5]; remainder 10 % 8 = 2 keeps [8,9]
        assertEquals(2, GatherForMetrics.remainder(10, 4, 2));
        assertEquals(IntStream.range(0, 10).boxed().toList(), evaluate(10, 4, 2, false));
        List<List<List<String>>> perRank = List.of(
                List.of(List.of("a", "b"), List.of("e", "a")),
                List.of(List.of("c", "d"), List.of("b", "c")));
        assertEquals(List.of("a", "b", "c", "d", "e"), GatherForMetrics.gather(perRank, 5, 2, false));
        // a full last round is kept whole
        assertEquals(0, GatherForMetrics.remainder(16, 4, 2));
        assertEquals(IntStream.range(0, 16).boxed().toList(), evaluate(16, 4, 2, false));
    }

    @Test
    void equalsSingleProcessEvaluation() {
        for (int n = 1; n <= 40; n++) {
            for (int batch = 1; batch <= 5; batch++) {
                for (int world = 1; world <= 4; world++) {
                    String where = n + " rows, batch " + batch + ", " + world + " ranks";
                    assertEquals(IntStream.range(0, n).boxed().toList(), evaluate(n, batch, world, false), where);
                    // dataloader_drop_last: the full rounds only, nothing trimmed
                    int kept = n / (batch * world) * batch * world;
                    assertEquals(IntStream.range(0, kept).boxed().toList(), evaluate(n, batch, world, true), where + ", drop_last");
                }
            }
        }
    }
}
