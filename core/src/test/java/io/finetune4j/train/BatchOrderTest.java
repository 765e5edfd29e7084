package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchOrderTest {
    @Test
    void epochOrderIsAPureFunctionOfSeedAndEpoch() {
        BatchOrder a = new BatchOrder(100, 8, 42, false, null);
        BatchOrder b = new BatchOrder(100, 8, 42, false, null);
        assertArrayEquals(a.permutation(3), b.permutation(3));
        assertFalse(Arrays.equals(a.permutation(0), a.permutation(1)));
        assertFalse(Arrays.equals(a.permutation(0), new BatchOrder(100, 8, 43, false, null).permutation(0)));
        int[] sorted = a.permutation(0).clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 100; i++) assertEquals(i, sorted[i]);
    }

    @Test
    void dropLastDropsTheIncompleteBatch() {
        assertEquals(13, new BatchOrder(100, 8, 1, false, null).batchesPerEpoch());
        List<int[]> kept = new BatchOrder(100, 8, 1, true, null).batches(0);
        assertEquals(12, kept.size());
        assertTrue(kept.stream().allMatch(b -> b.length == 8));
        assertEquals(4, new BatchOrder(100, 8, 1, false, null).batches(0).get(12).length);
    }

    @Test
    void lengthGroupingSortsInsideMegabatchesAndPutsTheLongestFirst() {
        int n = 1000;
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) lengths[i] = 1 + (i * 7919) % 300;
        BatchOrder o = new BatchOrder(n, 4, 5, false, lengths);
        int[] order = o.lengthGrouped(0);
        int[] copy = order.clone();
        Arrays.sort(copy);
        for (int i = 0; i < n; i++) assertEquals(i, copy[i]);
        assertEquals(300, lengths[order[0]]);
        // megabatches of min(1000 / 16, 50) × 4 = 200 rows are sorted by length, longest first (after the first row)
        for (int mb = 0; mb < n; mb += 200) {
            for (int i = Math.max(mb + 1, 1) + 1; i < mb + 200; i++) {
                assertTrue(lengths[order[i - 1]] >= lengths[order[i]], "row " + i);
            }
        }
        assertArrayEquals(order, new BatchOrder(n, 4, 5, false, lengths).lengthGrouped(0));
    }
}
