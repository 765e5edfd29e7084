package io.finetune4j.train.distributed;

import io.finetune4j.nn.Parameter;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DistributedException;
import io.finetune4j.torch.GradientReducer;
import io.finetune4j.torch.ProcessGroup;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * torch's DistributedDataParallel for one process per rank, as HF's Trainer wraps the model: the parameters are
 * broadcast from rank 0 when training starts, and in the backward of an optimizer step's last micro-batch (not of
 * every micro-batch: gradient accumulation runs as under {@code no_sync}) every trainable parameter's gradient is
 * averaged over the ranks with all_reduce, in buckets of {@code ddp_bucket_cap_mb} (torch's default 25 MB).
 *
 * <p>Two ways, the same result: by default libtorch's own DDP {@code Reducer} ({@link GradientReducer}) all-reduces each
 * bucket while the backward is still computing the next ones (overlap); with gradient checkpointing, whose recomputed
 * layers produce their gradients in a second backward the Reducer does not know of, the buckets (reverse parameter
 * order) are all-reduced after the backward instead ({@link #allReduceGradients}).
 *
 * <p>Frozen parameters take no part. {@code ddp_find_unused_parameters} (HF's default: true unless gradient
 * checkpointing is on): a trainable parameter that got no gradient on some rank counts as zero there, and one
 * that got none on any rank keeps none, as torch's DDP; with it false, every trainable parameter must get a gradient
 * on every rank, and one that does not stops the run naming it.
 */
public final class DistributedDataParallel implements AutoCloseable {
    /** torch.nn.parallel.DistributedDataParallel's bucket_cap_mb default. */
    public static final int DEFAULT_BUCKET_CAP_MB = 25;

    private final ProcessGroup group;
    private final long bucketCapBytes;
    private final boolean findUnusedParameters;
    private final boolean overlap;
    private GradientReducer reducer;
    private List<Parameter> reducerParameters = List.of();
    private boolean reducedInBackward;

    /** {@code overlap}: all-reduce during the backward with libtorch's Reducer (off with gradient checkpointing). */
    public DistributedDataParallel(ProcessGroup group, Integer bucketCapMb, boolean findUnusedParameters, boolean overlap) {
        this.group = group;
        this.bucketCapBytes = (bucketCapMb == null ? DEFAULT_BUCKET_CAP_MB : bucketCapMb) * 1024L * 1024L;
        this.findUnusedParameters = findUnusedParameters;
        this.overlap = overlap;
    }

    /** Whether the gradients are all-reduced during the backward (libtorch's Reducer) rather than after it. */
    public boolean overlapsBackward() {
        return overlap;
    }

    /**
     * Call right before the backward of an optimizer step's last micro-batch (the one that syncs): with overlap, the
     * Reducer (built over {@code trainable}, again when callbacks changed what trains) then all-reduces in that
     * backward. {@link #backwardFailed} turns an error of that backward into the distributed failure it is.
     */
    public void beforeSyncBackward(Tensor loss, List<Parameter> trainable) {
        if (!overlap) {
            return;
        }
        if (reducer == null || !reducerParameters.equals(trainable)) {
            if (reducer != null) {
                reducer.close();
            }
            List<Tensor> tensors = new ArrayList<>();
            for (Parameter p : trainable) {
                tensors.add(p.data());
            }
            reducer = group.reducer(tensors, bucketCapBytes, findUnusedParameters);
            reducerParameters = List.copyOf(trainable);
        }
        reducer.prepareForBackward(loss);
        reducedInBackward = true;
    }

    /** An exception out of a syncing backward: the Reducer's all-reduce failed (a peer went away). */
    public DistributedException backwardFailed(RuntimeException e) {
        return e instanceof DistributedException d ? d
                : new DistributedException("all_reduce in the backward failed on rank " + group.rank() + ": " + ProcessGroup.firstLine(e), e);
    }

    public ProcessGroup group() {
        return group;
    }

    /** DDP's construction: every parameter (frozen ones too) takes rank 0's values. */
    public void broadcastParameters(Map<String, Parameter> parameters) {
        try (Autograd noGrad = Autograd.noGrad(); Scope scope = Scope.open()) {
            for (List<Tensor> bucket : buckets(new ArrayList<>(parameters.values()), p -> p.data())) {
                Tensor flat = flatten(bucket);
                group.broadcast(flat, 0);
                unflatten(flat, bucket);
            }
        }
    }

    /**
     * Averages the gradients of {@code trainable} over the ranks and sums {@code stats} (the step's loss, rows,
     * tokens…) over them in the same round; returns the summed stats.
     */
    public double[] allReduceGradients(List<Parameter> trainable, double[] stats) {
        try (Autograd noGrad = Autograd.noGrad(); Scope scope = Scope.open()) {
            if (reducedInBackward) { // the Reducer averaged the gradients already: only the step's numbers
                reducedInBackward = false;
                Tensor summed = Tensor.of(stats, stats.length);
                group.allReduce(summed);
                return summed.toDoubleArray();
            }
            List<Parameter> reduced = withGradients(trainable);
            Tensor summed = Tensor.of(stats, stats.length);
            List<List<Tensor>> buckets = buckets(reduced, p -> p.data().grad());
            List<Tensor> flats = new ArrayList<>();
            List<ProcessGroup.Work> works = new ArrayList<>();
            works.add(group.allReduceAsync(List.of(summed)));
            for (List<Tensor> bucket : buckets) {
                Tensor flat = flatten(bucket);
                flats.add(flat);
                works.add(group.allReduceAsync(List.of(flat)));
            }
            works.get(0).await();
            for (int i = 0; i < buckets.size(); i++) {
                works.get(i + 1).await();
                unflatten(flats.get(i).div_(group.size()), buckets.get(i));
            }
            double[] out = new double[stats.length];
            double[] values = summed.toDoubleArray();
            System.arraycopy(values, 0, out, 0, out.length);
            return out;
        }
    }

    /**
     * The parameters whose gradients this step reduces: with find_unused_parameters, those that have a gradient on
     * any rank (one all_reduce of a 0/1 mask; a missing one becomes zeros here); without it, all of them.
     */
    private List<Parameter> withGradients(List<Parameter> trainable) {
        float[] has = new float[trainable.size()];
        for (int i = 0; i < has.length; i++) {
            Tensor g = trainable.get(i).data().grad();
            has[i] = g == null ? 0 : 1;
        }
        if (!findUnusedParameters) {
            for (int i = 0; i < has.length; i++) {
                if (has[i] == 0) {
                    throw new IllegalStateException("parameter " + trainable.get(i).name() + " received no gradient on rank " + group.rank()
                            + " (it took no part in the loss); set ddp_find_unused_parameters=true, or freeze it");
                }
            }
            return trainable;
        }
        Tensor mask = Tensor.of(has, has.length);
        group.allReduce(mask);
        float[] anywhere = mask.toFloatArray();
        List<Parameter> out = new ArrayList<>();
        for (int i = 0; i < has.length; i++) {
            if (anywhere[i] > 0) {
                Tensor data = trainable.get(i).data();
                if (has[i] == 0) {
                    data.setGrad(data.zerosLike());
                }
                out.add(trainable.get(i));
            }
        }
        return out;
    }

    /** Reverse parameter order, cut whenever a bucket would pass the cap (a bucket holds at least one tensor). */
    private List<List<Tensor>> buckets(List<Parameter> params, java.util.function.Function<Parameter, Tensor> tensorOf) {
        List<List<Tensor>> out = new ArrayList<>();
        List<Tensor> current = new ArrayList<>();
        long bytes = 0;
        for (int i = params.size() - 1; i >= 0; i--) {
            Tensor t = tensorOf.apply(params.get(i));
            long size = t.numel() * t.dtype().itemSize();
            if (!current.isEmpty() && bytes + size > bucketCapBytes) {
                out.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(t);
            bytes += size;
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    private static Tensor flatten(List<Tensor> tensors) {
        List<Tensor> views = new ArrayList<>();
        for (Tensor t : tensors) {
            views.add(t.contiguous().flatView());
        }
        return Tensor.cat(views, 0);
    }

    private static void unflatten(Tensor flat, List<Tensor> tensors) {
        long offset = 0;
        for (Tensor t : tensors) {
            long n = t.numel();
            t.copy_(flat.narrow(0, offset, n).reshape(t.shape()));
            offset += n;
        }
    }

    /** Removes the Reducer's autograd hooks from the parameters (the end of {@code train()}). */
    @Override
    public void close() {
        if (reducer != null) {
            reducer.close();
            reducer = null;
        }
    }
}
