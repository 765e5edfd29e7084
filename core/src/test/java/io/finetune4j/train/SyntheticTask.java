package io.finetune4j.train;

import io.finetune4j.data.Column;
import java.util.Random;

/** A separable task: label 1 rows contain mostly tokens 2..9, label 0 rows mostly 10..17; lengths vary. */
final class SyntheticTask {
    private SyntheticTask() {}

    static EncodedColumns make(int rows, long seed) {
        Random rng = new Random(seed);
        int[][] ids = new int[rows][];
        int[][] mask = new int[rows][];
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            int label = rng.nextInt(2);
            int len = 3 + rng.nextInt(8);
            ids[r] = new int[len];
            mask[r] = new int[len];
            for (int j = 0; j < len; j++) {
                boolean signal = rng.nextDouble() < 0.8;
                int base = (label == 1) == signal ? 2 : 10;
                ids[r][j] = base + rng.nextInt(8);
                mask[r][j] = 1;
            }
            labels[r] = label;
        }
        return new EncodedColumns(new Column.IntLists(ids), null, new Column.IntLists(mask), new Column.Ints(labels));
    }
}
