package io.finetune4j.train.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.util.Mt19937;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** accelerate's BatchSamplerShard (split_batches=False): hand-computed cases and accelerate's own output. */
class BatchShardsTest {
    private static List<List<Integer>> lists(List<int[]> batches) {
        return batches.stream().map(b -> Arrays.stream(b).boxed().toList()).toList();
    }

    private static List<List<Integer>> shard(int n, int batch, boolean dropLast, int world, int rank) {
        int[] order = IntStream.range(0, n).toArray();
        return lists(BatchShards.shard(BatchShards.batches(order, batch, dropLast), batch, dropLast, world, rank));
    }

    @Test
    void evenSplitIsRoundRobin() {
        // 16 rows, 4 per device, 2 ranks: batches 0,2 to rank 0 and 1,3 to rank 1
        assertEquals(List.of(List.of(0, 1, 2, 3), List.of(8, 9, 10, 11)), shard(16, 4, false, 2, 0));
        assertEquals(List.of(List.of(4, 5, 6, 7), List.of(12, 13, 14, 15)), shard(16, 4, false, 2, 1));
    }

    @Test
    void shortLastBatchIsPaddedFromTheStart() {
        // 10 rows, 4 per device, 2 ranks: batches [0-3] [4-7] [8,9]; the last round is [8,9,0,1] and [2,3,4,5]
        assertEquals(List.of(List.of(0, 1, 2, 3), List.of(8, 9, 0, 1)), shard(10, 4, false, 2, 0));
        assertEquals(List.of(List.of(4, 5, 6, 7), List.of(2, 3, 4, 5)), shard(10, 4, false, 2, 1));
        // 14 rows: rank 0 has the full [8-11], rank 1 the short [12,13] padded with [0,1]
        assertEquals(List.of(List.of(0, 1, 2, 3), List.of(8, 9, 10, 11)), shard(14, 4, false, 2, 0));
        assertEquals(List.of(List.of(4, 5, 6, 7), List.of(12, 13, 0, 1)), shard(14, 4, false, 2, 1));
        // 12 rows, 3 ranks: three full batches, one round; rank 2 takes [8-11]
        assertEquals(List.of(List.of(8, 9, 10, 11)), shard(12, 4, false, 3, 2));
        // 8 rows, 4 per device, 3 ranks: two full batches, the third rank gets [0-3] again
        assertEquals(List.of(List.of(0, 1, 2, 3)), shard(8, 4, false, 3, 0));
        assertEquals(List.of(List.of(4, 5, 6, 7)), shard(8, 4, false, 3, 1));
        assertEquals(List.of(List.of(0, 1, 2, 3)), shard(8, 4, false, 3, 2));
    }

    @Test
    void fewerRowsThanOneRoundWrapAsOftenAsNeeded() {
        // 3 rows, 4 per device, 2 ranks: [0,1,2,0] and [1,2,0,1]
        assertEquals(List.of(List.of(0, 1, 2, 0)), shard(3, 4, false, 2, 0));
        assertEquals(List.of(List.of(1, 2, 0, 1)), shard(3, 4, false, 2, 1));
    }

    @Test
    void dropLastDropsTheIncompleteRound() {
        // 14 rows, 4 per device, 2 ranks: BatchSampler keeps [0-3] [4-7] [8-11]; the round [8-11] + nothing is dropped
        assertEquals(List.of(List.of(0, 1, 2, 3)), shard(14, 4, true, 2, 0));
        assertEquals(List.of(List.of(4, 5, 6, 7)), shard(14, 4, true, 2, 1));
        assertEquals(List.of(), shard(7, 4, true, 2, 1));
    }

    @Test
    void roundKHoldsTheSingleProcessGlobalBatchK() {
        for (int n : new int[] {16, 17, 31, 64, 100}) {
            for (int world : new int[] {1, 2, 3, 4}) {
                for (int perDevice : new int[] {1, 2, 5, 8}) {
                    for (boolean dropLast : new boolean[] {false, true}) {
                        int[] order = Mt19937.randperm(n, 42 + n);
                        int global = perDevice * world;
                        List<int[]> single = BatchShards.batches(order, global, dropLast);
                        List<int[]> perDeviceBatches = BatchShards.batches(order, perDevice, dropLast);
                        List<List<int[]>> ranks = new ArrayList<>();
                        for (int r = 0; r < world; r++) {
                            ranks.add(BatchShards.shard(perDeviceBatches, perDevice, dropLast, world, r));
                            assertEquals(BatchShards.length(perDeviceBatches.size(), dropLast, true, world, r), ranks.get(r).size());
                        }
                        int steps = ranks.get(0).size();
                        String where = "n=" + n + " W=" + world + " b=" + perDevice + " drop_last=" + dropLast;
                        assertEquals(dropLast ? n / global : (n + global - 1) / global, steps, where);
                        Set<Integer> seen = new HashSet<>();
                        for (int k = 0; k < steps; k++) {
                            List<Integer> round = new ArrayList<>();
                            for (List<int[]> rank : ranks) {
                                assertEquals(perDevice, rank.get(k).length, where + ": every batch full");
                                Arrays.stream(rank.get(k)).forEach(round::add);
                            }
                            List<Integer> expected = Arrays.stream(single.get(k)).boxed().toList();
                            if (expected.size() == global) {
                                assertEquals(expected, round, where + " step " + k);
                            } else {
                                // the short last global batch, then the epoch's order from its start
                                assertEquals(expected, round.subList(0, expected.size()), where + " last step");
                                List<Integer> pad = round.subList(expected.size(), global);
                                for (int i = 0; i < pad.size(); i++) {
                                    assertEquals(order[i % n], pad.get(i), where + " padding");
                                }
                            }
                            seen.addAll(round);
                        }
                        assertEquals(dropLast ? n / global * global : n, seen.size(), where + ": every row once");
                    }
                }
            }
        }
    }

    @Test
    void matchesAccelerate() throws Exception {
        JsonNode fixture = new ObjectMapper().readTree(Path.of("tests/fixtures/accelerate-shards/shards.json").toFile());
        assertEquals("1.2.1", fixture.get("accelerate").asText());
        int checked = 0;
        for (JsonNode c : fixture.get("cases")) {
            int batch = c.get("batch_size").asInt();
            int world = c.get("world_size").asInt();
            boolean dropLast = c.get("drop_last").asBoolean();
            boolean even = c.get("even_batches").asBoolean();
            int[] order = new int[c.get("order").size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = c.get("order").get(i).asInt();
            }
            List<int[]> batches = BatchShards.batches(order, batch, dropLast);
            for (int r = 0; r < world; r++) {
                List<List<Integer>> expected = new ArrayList<>();
                for (JsonNode b : c.get("shards").get(r)) {
                    List<Integer> rows = new ArrayList<>();
                    b.forEach(i -> rows.add(i.asInt()));
                    expected.add(rows);
                }
                String where = c.get("n") + " rows, batch " + batch + ", " + world + " ranks, drop_last " + dropLast + ", even " + even + ", rank " + r;
                assertEquals(expected, lists(BatchShards.shard(batches, batch, dropLast, even, world, r)), where);
                assertEquals(expected.size(), BatchShards.length(batches.size(), dropLast, even, world, r), where);
                checked++;
            }
        }
        assertTrue(checked > 1000, "the fixture has its cases: " + checked);
    }
}
