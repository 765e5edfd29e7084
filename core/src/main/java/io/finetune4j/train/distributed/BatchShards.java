package io.finetune4j.train.distributed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which of an epoch's batches a rank trains on: accelerate's {@code BatchSamplerShard} (accelerate 1.2.1,
 * {@code data_loader.py}) as HF's Trainer prepares its data loaders, {@code split_batches=False}. The epoch's
 * order (the same permutation on every rank: same seed) is cut into per-device batches of
 * {@code per_device_train_batch_size} (torch's {@code BatchSampler}, which drops a short last batch with
 * {@code dataloader_drop_last}); batch {@code i} goes to rank {@code i % world_size}, and a rank yields a batch only
 * once every rank of that round has a full one.
 *
 * <p>So rank r's k-th batch is per-device batch {@code k·W + r}, and round k's batches together hold exactly the
 * samples of the single-process batch k of {@code per_device × W} rows, in rank order. The last round differs:
 * <ul>
 *   <li>drop_last: an incomplete round is dropped on every rank (as one process drops its short global batch);</li>
 *   <li>even_batches (the Trainer's default): the round is filled up with samples from the start of the epoch's
 *       order (wrapping around as often as needed), so every rank takes the same number of full steps; those
 *       padded samples are seen twice that epoch (a single process sees a short last batch instead), and
 *       accelerate's gather_for_metrics drops them again from evaluation (the Trainer's sharded evaluation never runs them);</li>
 *   <li>even_batches=False: ranks past the end take one step less and the last batch may be short.</li>
 * </ul>
 */
public final class BatchShards {
    private BatchShards() {}

    /**
     * Rank {@code processIndex}'s batches, in order, from the per-device {@code batches} of one epoch (each of
     * {@code batchSize} rows but maybe the last, as {@code BatchSampler} makes them; none short with dropLast).
     */
    public static List<int[]> shard(List<int[]> batches, int batchSize, boolean dropLast, boolean evenBatches,
                                    int numProcesses, int processIndex) {
        check(batchSize, numProcesses, processIndex);
        List<int[]> out = new ArrayList<>();
        List<Integer> initialData = new ArrayList<>();
        int[] batchToYield = new int[0];
        int idx = -1;
        int[] batch = new int[0];
        for (int[] b : batches) {
            idx++;
            batch = b;
            // the first round's samples, to circle back to at the end
            if (!dropLast && idx < numProcesses) {
                for (int i : b) {
                    initialData.add(i);
                }
            }
            if (idx % numProcesses == processIndex) {
                batchToYield = b;
            }
            // a round is yielded only once its last batch is known to be full
            if (idx % numProcesses == numProcesses - 1 && b.length == batchSize) {
                out.add(batchToYield);
                batchToYield = new int[0];
            }
        }
        if (dropLast || initialData.isEmpty()) {
            return out;
        }
        if (!evenBatches) {
            if (batchToYield.length > 0) {
                out.add(batchToYield);
            }
            return out;
        }
        if (batchToYield.length == batchSize) {
            out.add(batchToYield);
        }
        // degenerate case: fewer samples than one round needs
        while (initialData.size() < numProcesses * batchSize) {
            initialData.addAll(List.copyOf(initialData));
        }
        // the last batch seen was full: its rank yielded it, padding starts with the next batch
        List<Integer> pending = new ArrayList<>();
        if (batch.length == batchSize) {
            idx++;
        } else {
            for (int i : batch) {
                pending.add(i);
            }
        }
        int cycleIndex = 0;
        while (idx % numProcesses != 0 || !pending.isEmpty()) {
            int endIndex = cycleIndex + batchSize - pending.size();
            pending.addAll(initialData.subList(cycleIndex, endIndex));
            if (idx % numProcesses == processIndex) {
                out.add(pending.stream().mapToInt(Integer::intValue).toArray());
            }
            cycleIndex = endIndex;
            pending = new ArrayList<>();
            idx++;
        }
        return out;
    }

    /** The Trainer's setting: even batches. */
    public static List<int[]> shard(List<int[]> batches, int batchSize, boolean dropLast, int numProcesses, int processIndex) {
        return shard(batches, batchSize, dropLast, true, numProcesses, processIndex);
    }

    /**
     * How many batches a rank yields ({@code len(BatchSamplerShard)}), from the number of per-device batches: the
     * same on every rank but with even_batches=False, where the first {@code numBatches % W} ranks take one more.
     */
    public static int length(int numBatches, boolean dropLast, boolean evenBatches, int numProcesses, int processIndex) {
        if (numBatches % numProcesses == 0) {
            return numBatches / numProcesses;
        }
        int length = numBatches / numProcesses;
        if (dropLast) {
            return length;
        }
        if (evenBatches) {
            return length + 1;
        }
        return processIndex < numBatches % numProcesses ? length + 1 : length;
    }

    /** The per-device batches torch's BatchSampler cuts from an epoch's order. */
    public static List<int[]> batches(int[] order, int batchSize, boolean dropLast) {
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start < order.length; start += batchSize) {
            int end = Math.min(order.length, start + batchSize);
            if (dropLast && end - start < batchSize) {
                break;
            }
            out.add(Arrays.copyOfRange(order, start, end));
        }
        return out;
    }

    private static void check(int batchSize, int numProcesses, int processIndex) {
        if (batchSize < 1 || numProcesses < 1 || processIndex < 0 || processIndex >= numProcesses) {
            throw new IllegalArgumentException("batch size " + batchSize + ", process " + processIndex + " of " + numProcesses);
        }
    }
}
