package io.finetune4j.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The training data order: each epoch's row order is a pure function of (data_seed, epoch), so a
 * resumed run sees exactly the batches an uninterrupted one would. Random permutation, or HF's
 * LengthGroupedSampler for group_by_length (from the same permutation); drop_last drops the final incomplete batch.
 */
public final class BatchOrder {
    private final int numRows;
    private final int batchSize;
    private final long dataSeed;
    private final boolean dropLast;
    private final int[] lengths;

    /** {@code lengths} non-null switches on length grouping. */
    public BatchOrder(int numRows, int batchSize, long dataSeed, boolean dropLast, int[] lengths) {
        this.numRows = numRows;
        this.batchSize = batchSize;
        this.dataSeed = dataSeed;
        this.dropLast = dropLast;
        this.lengths = lengths;
    }

    public int batchesPerEpoch() {
        return dropLast ? numRows / batchSize : (numRows + batchSize - 1) / batchSize;
    }

    /** Row indices of every batch of an epoch, in order. */
    public List<int[]> batches(int epoch) {
        int[] order = lengths == null ? permutation(epoch) : lengthGrouped(epoch);
        List<int[]> out = new ArrayList<>();
        for (int b = 0; b < batchesPerEpoch(); b++) {
            out.add(Arrays.copyOfRange(order, b * batchSize, Math.min(numRows, (b + 1) * batchSize)));
        }
        return out;
    }

    /**
     * HF's order: accelerate's SeedableRandomSampler seeds a torch generator with data_seed + epoch and draws
     * torch.randperm(n), so epoch e of a run here visits the rows in the order HF's Trainer does.
     */
    int[] permutation(int epoch) {
        return io.finetune4j.util.Mt19937.randperm(numRows, dataSeed + epoch);
    }

    /**
     * HF's get_length_grouped_indices: a random permutation cut into megabatches of
     * min(n / (4·batch), 50)·batch rows, each sorted by length (longest first), and the longest
     * row of all moved to the front so an out-of-memory shows up at once.
     */
    int[] lengthGrouped(int epoch) {
        int[] indices = permutation(epoch);
        int mult = Math.max(1, Math.min(numRows / (batchSize * 4), 50));
        int mega = mult * batchSize;
        List<Integer[]> megabatches = new ArrayList<>();
        for (int i = 0; i < numRows; i += mega) {
            Integer[] mb = new Integer[Math.min(mega, numRows - i)];
            for (int j = 0; j < mb.length; j++) {
                mb[j] = indices[i + j];
            }
            // stable sort, longest first (Python's sorted(reverse=True) keeps ties in order too)
            Arrays.sort(mb, (a, b) -> Integer.compare(lengths[b], lengths[a]));
            megabatches.add(mb);
        }
        int maxIdx = 0;
        for (int i = 1; i < megabatches.size(); i++) {
            if (lengths[megabatches.get(i)[0]] > lengths[megabatches.get(maxIdx)[0]]) {
                maxIdx = i;
            }
        }
        if (!megabatches.isEmpty()) {
            Integer t = megabatches.get(0)[0];
            megabatches.get(0)[0] = megabatches.get(maxIdx)[0];
            megabatches.get(maxIdx)[0] = t;
        }
        int[] out = new int[numRows];
        int k = 0;
        for (Integer[] mb : megabatches) {
            for (Integer i : mb) {
                out[k++] = i;
            }
        }
        return out;
    }
}
