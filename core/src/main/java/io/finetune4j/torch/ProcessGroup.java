package io.finetune4j.torch;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.ByteVector;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.PrefixStore;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.ReduceOp;
import org.bytedeco.pytorch.StringVector;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * torch.distributed's process group over c10d: {@code init_process_group(backend, init_method="env://")} with a
 * {@code TCPStore} on rank 0 ({@code MASTER_ADDR:MASTER_PORT}) for the rendezvous, and the collectives a data-parallel
 * trainer needs ({@code all_reduce}, {@code broadcast}, {@code all_gather}, {@code barrier}). Backends: Gloo (CPU
 * tensors) and NCCL (CUDA tensors on this rank's GPU; needs the CUDA natives, {@code -Pgpu}): tensors on another
 * device than the backend's are copied there and back. Every call blocks until done or until the timeout
 * ({@code ddp_timeout}); a peer that goes away surfaces as a {@link DistributedException}.
 */
public final class ProcessGroup implements AutoCloseable {
    static {
        Torch.load();
    }

    private final int rank;
    private final int size;
    private final Duration timeout;
    private final String masterAddr;
    private final int masterPort;
    private final String storePrefix;
    private int reducers;
    private final org.bytedeco.pytorch.Store store;
    private final org.bytedeco.pytorch.Backend backend;
    private final Device device;
    private boolean closed;

    private ProcessGroup(String masterAddr, int masterPort, String storePrefix, int rank, int size, Duration timeout,
            org.bytedeco.pytorch.Store store, org.bytedeco.pytorch.Backend backend, Device device) {
        this.masterAddr = masterAddr;
        this.masterPort = masterPort;
        this.storePrefix = storePrefix;
        this.rank = rank;
        this.size = size;
        this.timeout = timeout;
        this.store = store;
        this.backend = backend;
        this.device = device;
    }

    /**
     * Joins the group: rank 0 opens the store on {@code masterPort}, every rank connects to it and waits (up to
     * {@code timeout}) for all {@code worldSize} ranks. {@code backend} is torch's name: "gloo" (or null: gloo).
     */
    public static ProcessGroup init(String backend, String masterAddr, int masterPort, int rank, int worldSize, Duration timeout) {
        return init(backend, masterAddr, masterPort, null, rank, worldSize, timeout, Device.cpu());
    }

    /**
     * {@link #init(String, String, int, int, int, Duration)} where, with {@code agentStorePrefix} non-null, torchrun's
     * agent already hosts the store on {@code masterPort}: every rank connects as a client and works under that key
     * prefix ({@code /worker/attempt_N}), as torch's env:// rendezvous with {@code TORCHELASTIC_USE_AGENT_STORE}.
     * {@code backend}: "gloo", "nccl" (on {@code device}, this rank's GPU), or null: nccl for a CUDA device, else gloo
     * (HF's default).
     */
    public static ProcessGroup init(String backend, String masterAddr, int masterPort, String agentStorePrefix, int rank, int worldSize,
            Duration timeout, Device device) {
        boolean nccl = backend == null ? device.isCuda() : backend.equalsIgnoreCase("nccl");
        if (!nccl && backend != null && !backend.equalsIgnoreCase("gloo")) {
            throw new IllegalArgumentException("ddp_backend " + backend + ": finetune4j runs torch.distributed's gloo (CPU) or nccl (CUDA)");
        }
        if (nccl && (!device.isCuda() || !Torch.cudaIsAvailable())) {
            throw new IllegalArgumentException("ddp_backend nccl needs each rank on a CUDA GPU (build with FINETUNE4J_GPU=1 and run where "
                    + "GPUs are visible); on CPUs use ddp_backend gloo");
        }
        Milliseconds ms = new Milliseconds(timeout.toMillis());
        try {
            TCPStoreOptions o = new TCPStoreOptions();
            o.port((short) masterPort).isServer(rank == 0 && agentStorePrefix == null).waitWorkers(false).timeout(ms);
            org.bytedeco.pytorch.Store store = unscoped(new TCPStore(masterAddr, o));
            if (agentStorePrefix != null) {
                store = unscoped(new PrefixStore(agentStorePrefix, store));
            }
            org.bytedeco.pytorch.Backend b = nccl ? newNccl(store, rank, worldSize, ms, device) : newGloo(store, rank, worldSize, ms, masterAddr);
            ProcessGroup pg = new ProcessGroup(masterAddr, masterPort, agentStorePrefix, rank, worldSize, timeout, store, b,
                    nccl ? device : Device.cpu());
            pg.barrier(); // torch's init_process_group returns once every rank is there
            return pg;
        } catch (RuntimeException e) {
            throw new DistributedException("rank " + rank + " could not join the process group at " + masterAddr + ":" + masterPort
                    + " within " + timeout.toSeconds() + " s (" + firstLine(e) + "); check MASTER_ADDR/MASTER_PORT and that all "
                    + worldSize + " ranks start", e);
        }
    }

    /** A Gloo backend over {@code store} (each Java-made store goes to libtorch once: the caller's is fresh). */
    static ProcessGroupGloo newGloo(org.bytedeco.pytorch.Store store, int rank, int size, Milliseconds timeout, String masterAddr) {
        ProcessGroupGloo.Options opts = new ProcessGroupGloo.Options(timeout);
        String ifname = System.getenv("GLOO_SOCKET_IFNAME");
        opts.devices(new GlooDeviceVector(ifname != null && !ifname.isBlank() ? ProcessGroupGloo.createDeviceForInterface(ifname.split(",")[0])
                : ProcessGroupGloo.createDeviceForHostname(localHostFor(masterAddr))));
        return unscoped(new ProcessGroupGloo(store, rank, size, opts));
    }

    /**
     * An NCCL backend on {@code device} (this rank's GPU). Written to torch's API but not run here: no GPU was available
     * to this project's tests; its natives come with {@code -Pgpu}, and without them this fails with one line.
     */
    static org.bytedeco.pytorch.Backend newNccl(org.bytedeco.pytorch.Store store, int rank, int size, Milliseconds timeout, Device device) {
        try {
            org.bytedeco.pytorch.nccl.ProcessGroupNCCL.Options opts = org.bytedeco.pytorch.nccl.ProcessGroupNCCL.Options.create();
            opts.timeout(timeout);
            return unscoped(new org.bytedeco.pytorch.nccl.ProcessGroupNCCL(store, rank, size, opts));
        } catch (LinkageError e) {
            throw new IllegalStateException("ddp_backend nccl: this build has no NCCL natives (" + e.getMessage()
                    + "); build with FINETUNE4J_GPU=1, or use ddp_backend gloo", e);
        }
    }

    /** The device the backend's collectives run on: the CPU (gloo) or this rank's GPU (nccl). */
    public Device device() {
        return device;
    }

    /** Whether the backend is NCCL (CUDA tensors). */
    boolean isNccl() {
        return device.isCuda();
    }

    /**
     * The address Gloo binds on this machine: loopback when the master is on loopback, else GLOO_SOCKET_IFNAME's
     * interface (as torch), else this machine's host name.
     */
    private static String localHostFor(String masterAddr) {
        try {
            if (InetAddress.getByName(masterAddr).isLoopbackAddress()) {
                return "127.0.0.1";
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return masterAddr;
        }
    }

    /** Rank 0's address (the store's host). */
    String masterAddr() {
        return masterAddr;
    }

    /**
     * A new client connection to the rendezvous store, under the agent's prefix when torchrun hosts it (JavaCPP hands
     * a Java-made store to libtorch once only).
     */
    org.bytedeco.pytorch.Store storeClient() {
        TCPStoreOptions o = new TCPStoreOptions();
        o.port((short) masterPort).isServer(false).waitWorkers(false).timeout(new Milliseconds(timeout.toMillis()));
        org.bytedeco.pytorch.Store client = unscoped(new TCPStore(masterAddr, o));
        return storePrefix == null ? client : unscoped(new PrefixStore(storePrefix, client));
    }

    /**
     * DDP's reducer over {@code params} (a collective: every rank calls it at the same point with the same parameters),
     * on a Gloo context of its own; see {@link GradientReducer}.
     */
    public GradientReducer reducer(List<Tensor> params, long bucketCapBytes, boolean findUnusedParameters) {
        return GradientReducer.create(this, "finetune4j/reducer/" + (reducers++), params, bucketCapBytes, findUnusedParameters);
    }

    public int rank() {
        return rank;
    }

    /** torch's get_world_size(). */
    public int size() {
        return size;
    }

    public Duration timeout() {
        return timeout;
    }

    /** {@code dist.all_reduce(t)}: every rank's {@code t} becomes the element-wise sum over ranks, in place. */
    public void allReduce(Tensor t) {
        allReduceAsync(List.of(t)).await();
    }

    /** Starts an all_reduce (sum, in place) of each tensor; {@link Work#await} waits for it. */
    public Work allReduceAsync(List<Tensor> tensors) {
        TensorVector v = new TensorVector();
        List<Tensor[]> copyBack = new java.util.ArrayList<>();
        for (Tensor t : tensors) {
            Tensor there = onDevice(t);
            if (there != t) {
                copyBack.add(new Tensor[] {t, there});
            }
            v.push_back(there.handle());
        }
        AllreduceOptions o = new AllreduceOptions();
        o.reduceOp(new ReduceOp(ReduceOp.RedOpType.SUM)).timeout(new Milliseconds(timeout.toMillis()));
        return run("all_reduce", () -> new Work(backend.allreduce(v, o), "all_reduce", this, copyBack));
    }

    /** {@code t} on the backend's device: itself, or a copy there. */
    private Tensor onDevice(Tensor t) {
        return t.device().equals(device) ? t : t.to(device);
    }

    /** {@code dist.broadcast(t, src)}: every rank's {@code t} becomes rank {@code src}'s, in place. */
    public void broadcast(Tensor t, int src) {
        Tensor there = onDevice(t);
        TensorVector v = new TensorVector(there.handle());
        BroadcastOptions o = new BroadcastOptions();
        o.rootRank(src).timeout(new Milliseconds(timeout.toMillis()));
        List<Tensor[]> copyBack = there == t ? List.of() : List.<Tensor[]>of(new Tensor[] {t, there});
        run("broadcast", () -> new Work(backend.broadcast(v, o), "broadcast", this, copyBack)).await();
    }

    /** {@code dist.all_gather_into_tensor}: the ranks' {@code t} stacked in rank order (a new tensor of size × t's shape). */
    public Tensor allGather(Tensor t) {
        Tensor src = onDevice(t.contiguous().flatView());
        long[] shape = t.shape();
        long[] out = new long[shape.length + 1];
        out[0] = size;
        System.arraycopy(shape, 0, out, 1, shape.length);
        Tensor flat = onDevice(Tensor.zeros(src.dtype(), size * src.numel())); // all_gather_into_tensor: ranks along dim 0
        run("all_gather", () -> new Work(backend._allgather_base(flat.handle(), src.handle()), "all_gather", this, List.of())).await();
        return flat.reshape(out).to(t.device());
    }

    /** {@code dist.barrier()}: returns once every rank has called it. */
    public void barrier() {
        run("barrier", () -> new Work(backend.barrier(), "barrier", this, List.of())).await();
    }

    /** The rendezvous store's {@code set}: a small value every rank can read (e.g. why a rank stopped). */
    public void storeSet(String key, String value) {
        try {
            store.set(key, new ByteVector(value.getBytes(StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            // the store lives in rank 0's process: gone with it
        }
    }

    /** The value of {@code key} in the store, or null when unset or the store is gone (never waits). */
    public String storeGet(String key) {
        try {
            if (!store.check(new StringVector(key))) {
                return null;
            }
            ByteVector b = store.get(key);
            byte[] bytes = new byte[(int) b.size()];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = b.get(i);
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private <T> T run(String op, java.util.function.Supplier<T> call) {
        if (closed) {
            throw new IllegalStateException("the process group is closed");
        }
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw new DistributedException(op + " failed on rank " + rank + ": " + firstLine(e), e);
        }
    }

    /**
     * Takes a native object out of every open {@link Scope} of this thread: the process group's objects live as long
     * as the group, not as long as the step that happened to create them.
     */
    static <P extends org.bytedeco.javacpp.Pointer> P unscoped(P p) {
        p.retainReference();
        for (java.util.Iterator<org.bytedeco.javacpp.PointerScope> it = org.bytedeco.javacpp.PointerScope.getScopeIterator();
                it != null && it.hasNext(); ) {
            org.bytedeco.javacpp.PointerScope s = it.next();
            p.retainReference();
            s.detach(p);
        }
        return p;
    }

    /** The first line of a libtorch/Gloo error, without native source locations: for one-line messages. */
    public static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        m = m.replaceAll("\\[[^\\]]*\\.(cc|cpp|h):\\d+\\] ", ""); // Gloo's source location
        return m.replaceAll("\\s*\\(function \\w+\\)$", "").trim();
    }

    /** torch's destroy_process_group(). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            backend.deallocate();
            store.deallocate();
        }
    }

    /** A collective in flight (c10d's Work). */
    public static final class Work {
        private final org.bytedeco.pytorch.Work work;
        private final String op;
        private final ProcessGroup pg;
        private final List<Tensor[]> copyBack; // {tensor, its copy on the backend's device}

        Work(org.bytedeco.pytorch.Work work, String op, ProcessGroup pg, List<Tensor[]> copyBack) {
            this.work = work;
            this.op = op;
            this.pg = pg;
            this.copyBack = copyBack;
        }

        /** Waits until the collective finished on this rank; a lost peer or the timeout throws {@link DistributedException}. */
        public void await() {
            try {
                work._wait();
                for (Tensor[] pair : copyBack) {
                    pair[0].copy_(pair[1]);
                }
            } catch (RuntimeException e) {
                throw new DistributedException(op + " failed on rank " + pg.rank + ": " + firstLine(e), e);
            } finally {
                work.deallocate();
            }
        }
    }
}
