package io.finetune4j.train.distributed;

import java.util.ArrayList;
import java.util.List;

/**
 * Sharded evaluation gathered as accelerate's {@code Accelerator.gather_for_metrics} does it: each evaluation step
 * gathers every rank's batch (rank order, as {@code gather} concatenates), and on the last step, when the dataset
 * length is not a multiple of {@code per_device_eval_batch_size × W}, only the first
 * {@code length % (batch × W)} gathered rows are kept: the rest are the samples {@link BatchShards} added to even
 * out the last round. With the eval order sequential (HF's {@code SequentialSampler}), the gathered rows are then
 * the dataset's rows in order, each once, and metrics equal a single-process evaluation.
 * With {@code dataloader_drop_last} nothing is trimmed (accelerate's remainder is only set without drop_last).
 */
public final class GatherForMetrics {
    private GatherForMetrics() {}

    /**
     * The gathered outputs, step by step: {@code perRank.get(r).get(k)} is rank r's output rows for its k-th batch
     * (every rank has the same number of steps, even_batches). {@code datasetLength} is the evaluation set's length.
     */
    public static <T> List<T> gather(List<List<List<T>>> perRank, int datasetLength, int batchSize, boolean dropLast) {
        int world = perRank.size();
        int steps = perRank.isEmpty() ? 0 : perRank.get(0).size();
        for (List<List<T>> rank : perRank) {
            if (rank.size() != steps) {
                throw new IllegalArgumentException("ranks took different numbers of steps: " + rank.size() + " and " + steps);
            }
        }
        int remainder = dropLast ? 0 : remainder(datasetLength, batchSize, world);
        List<T> out = new ArrayList<>();
        for (int k = 0; k < steps; k++) {
            List<T> step = new ArrayList<>();
            for (List<List<T>> rank : perRank) {
                step.addAll(rank.get(k));
            }
            out.addAll(k == steps - 1 && remainder > 0 ? step.subList(0, Math.min(remainder, step.size())) : step);
        }
        return out;
    }

    /** accelerate's {@code GradientState.remainder}: rows of the last global batch that are real, 0 when it is full. */
    public static int remainder(int datasetLength, int batchSize, int worldSize) {
        return datasetLength % (batchSize * worldSize);
    }
}
