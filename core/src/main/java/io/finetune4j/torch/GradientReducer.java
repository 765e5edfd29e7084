package io.finetune4j.torch;

import java.util.List;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.BackendOptional;
import org.bytedeco.pytorch.BoolVector;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.PrefixStore;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.Reducer;
import org.bytedeco.pytorch.SizeTStringMap;
import org.bytedeco.pytorch.SizeTVector;
import org.bytedeco.pytorch.SizeTVectorVector;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * libtorch's DDP {@code Reducer}, the C++ half of {@code torch.nn.parallel.DistributedDataParallel}: autograd hooks on
 * the parameters' gradient accumulators mark each gradient ready during the backward, and a bucket (filled in the
 * order {@code compute_bucket_assignment_by_size} gives, the first one small) is all-reduced, averaged, as soon as all
 * of its gradients are ready, so communication overlaps the rest of the backward. The averaged gradients are in
 * {@code .grad} when {@code backward()} returns. A backward without {@link #prepareForBackward} before it (the
 * micro-batches of gradient accumulation, DDP's {@code no_sync}) only accumulates.
 *
 * <p>It runs on a process group of its own (a Gloo context under a store prefix of its own), made collectively by every
 * rank: JavaCPP hands objects made in Java to libtorch's {@code intrusive_ptr} once only, so each reducer gets fresh
 * store connections rather than sharing the {@link ProcessGroup}'s.
 */
public final class GradientReducer implements AutoCloseable {
    private final Reducer reducer;
    private final Object[] keepAlive; // the native objects the reducer points to
    private boolean closed;

    private GradientReducer(Reducer reducer, Object... keepAlive) {
        this.reducer = reducer;
        this.keepAlive = keepAlive;
    }

    /**
     * Builds the reducer over {@code params} (every rank must call this at the same point, with the same parameters):
     * buckets of {@code bucketCapBytes} (the first of 1 MiB, as DDP), {@code findUnusedParameters} as DDP's.
     */
    static GradientReducer create(ProcessGroup group, String prefix, List<Tensor> params, long bucketCapBytes, boolean findUnusedParameters) {
        Milliseconds timeout = new Milliseconds(group.timeout().toMillis());
        try {
            TensorVector ps = ProcessGroup.unscoped(new TensorVector());
            for (Tensor p : params) {
                ps.push_back(p.handle());
            }
            SizeTVectorVector buckets = torch.compute_bucket_assignment_by_size(ps, new SizeTVector(1L << 20, bucketCapBytes)).get0();
            org.bytedeco.pytorch.Store backendStore = ProcessGroup.unscoped(new PrefixStore(prefix + "/backend", group.storeClient()));
            org.bytedeco.pytorch.Backend backend = group.isNccl()
                    ? ProcessGroup.newNccl(backendStore, group.rank(), group.size(), timeout, group.device())
                    : ProcessGroup.newGloo(backendStore, group.rank(), group.size(), timeout, group.masterAddr());
            org.bytedeco.pytorch.ProcessGroup pg = ProcessGroup.unscoped(new org.bytedeco.pytorch.ProcessGroup(ProcessGroup.unscoped(
                    new PrefixStore(prefix + "/pg", group.storeClient())), group.rank(), group.size()));
            org.bytedeco.pytorch.ProcessGroup.BackendType type = group.isNccl() ? org.bytedeco.pytorch.ProcessGroup.BackendType.NCCL
                    : org.bytedeco.pytorch.ProcessGroup.BackendType.GLOO;
            pg.setBackend(group.isNccl() ? torch.DeviceType.CUDA : torch.DeviceType.CPU, type, new BackendOptional(backend));
            pg.setDefaultBackend(type);
            boolean[] sparse = new boolean[params.size()];
            Reducer reducer = ProcessGroup.unscoped(new Reducer(ps, buckets, pg, new BoolVector(sparse), bucketCapBytes,
                    findUnusedParameters, false, new SizeTStringMap(), 1L << 20, false, false));
            return new GradientReducer(reducer, ps, backend, pg);
        } catch (RuntimeException e) {
            throw new DistributedException("rank " + group.rank() + " could not set up DDP's reducer: " + ProcessGroup.firstLine(e), e);
        }
    }

    /**
     * DDP's forward under sync: the next {@code backward()} of {@code loss} all-reduces the gradients (with
     * find_unused_parameters, the parameters {@code loss} does not depend on are marked ready at once).
     */
    public void prepareForBackward(Tensor loss) {
        try {
            reducer.prepare_for_forward();
            reducer.prepare_for_backward(new TensorVector(loss.handle()));
        } catch (RuntimeException e) {
            throw new DistributedException("DDP on rank: " + ProcessGroup.firstLine(e), e);
        }
    }

    /** Removes the autograd hooks; the parameters train alone again. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            reducer.remove_autograd_hooks();
        }
    }
}
