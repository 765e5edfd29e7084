package io.finetune4j.train.distributed;

import io.finetune4j.BadInputException;
import java.util.Map;

/**
 * Where this process sits in a distributed run, read from the environment torchrun sets (and Kubeflow's
 * PyTorchJob, and {@code finetune4j launch}): {@code RANK}, {@code WORLD_SIZE}, {@code LOCAL_RANK},
 * {@code LOCAL_WORLD_SIZE}, {@code MASTER_ADDR}, {@code MASTER_PORT}, and {@code GROUP_RANK} (torchrun's node rank;
 * {@code NODE_RANK} as Lightning and some Slurm scripts name it). None of them set: a single process
 * ({@link #single()}), as {@code torch.distributed.is_initialized()} is false in HF's Trainer then.
 *
 * <p>A partial or contradictory environment is an error with one line naming the variable, not a silent single
 * process: {@code RANK} without {@code WORLD_SIZE}, {@code RANK >= WORLD_SIZE}, a non-numeric port. As
 * torch's env:// rendezvous, {@code MASTER_ADDR} is required once {@code WORLD_SIZE > 1}. Absent ones default as
 * accelerate 1.2.1's {@code get_cpu_distributed_information} and {@code PartialState} have them: {@code LOCAL_RANK}
 * 0 and {@code LOCAL_WORLD_SIZE} 1 (one process per machine or pod, as a Kubeflow PyTorchJob without
 * {@code nprocPerNode} starts them), {@code MASTER_PORT} 29500.
 *
 * <p>torchrun's own agent hosts the rendezvous store on {@code MASTER_ADDR:MASTER_PORT} and says so with
 * {@code TORCHELASTIC_USE_AGENT_STORE=True}: then every rank connects as a client and its keys live under
 * {@code /worker/attempt_{TORCHELASTIC_RESTART_COUNT}} ({@link #agentStorePrefix}), as torch's env:// rendezvous does.
 */
public record DistributedEnv(int rank, int worldSize, int localRank, int localWorldSize, int groupRank,
                             String masterAddr, int masterPort, String agentStorePrefix) {
    public static final String RANK = "RANK";
    public static final String WORLD_SIZE = "WORLD_SIZE";
    public static final String LOCAL_RANK = "LOCAL_RANK";
    public static final String LOCAL_WORLD_SIZE = "LOCAL_WORLD_SIZE";
    public static final String GROUP_RANK = "GROUP_RANK";
    public static final String NODE_RANK = "NODE_RANK";
    public static final String MASTER_ADDR = "MASTER_ADDR";
    public static final String MASTER_PORT = "MASTER_PORT";
    /** torchrun's and accelerate's port when none is given. */
    public static final int DEFAULT_MASTER_PORT = 29500;
    public static final String USE_AGENT_STORE = "TORCHELASTIC_USE_AGENT_STORE";
    public static final String RESTART_COUNT = "TORCHELASTIC_RESTART_COUNT";

    /** Without torchrun's agent store: rank 0 hosts the store. */
    public DistributedEnv(int rank, int worldSize, int localRank, int localWorldSize, int groupRank, String masterAddr, int masterPort) {
        this(rank, worldSize, localRank, localWorldSize, groupRank, masterAddr, masterPort, null);
    }

    public DistributedEnv {
        if (worldSize < 1) {
            throw bad(WORLD_SIZE + "=" + worldSize + " must be at least 1");
        }
        if (rank < 0 || rank >= worldSize) {
            throw bad(RANK + "=" + rank + " must be in [0, " + WORLD_SIZE + "=" + worldSize + ")");
        }
        if (localWorldSize < 1 || localWorldSize > worldSize) {
            throw bad(LOCAL_WORLD_SIZE + "=" + localWorldSize + " must be in [1, " + WORLD_SIZE + "=" + worldSize + "]");
        }
        if (localRank < 0 || localRank >= localWorldSize) {
            throw bad(LOCAL_RANK + "=" + localRank + " must be in [0, " + LOCAL_WORLD_SIZE + "=" + localWorldSize + ")");
        }
        if (groupRank < 0) {
            throw bad(GROUP_RANK + "=" + groupRank + " must not be negative");
        }
        if (worldSize > 1 && (masterAddr == null || masterAddr.isBlank())) {
            throw bad(MASTER_ADDR + " is not set; with " + WORLD_SIZE + "=" + worldSize
                    + " every rank needs rank 0's address (torchrun and finetune4j launch set it)");
        }
        if (masterPort < 0 || masterPort > 65535 || (worldSize > 1 && masterPort == 0)) {
            throw bad(MASTER_PORT + "=" + masterPort + " must be a TCP port in [1, 65535]");
        }
    }

    /** One process, no process group: what every run was before. */
    public static DistributedEnv single() {
        return new DistributedEnv(0, 1, 0, 1, 0, null, 0);
    }

    /** This process's environment. */
    public static DistributedEnv fromEnvironment() {
        return from(System.getenv());
    }

    /** Reads the variables from {@code env} (a map so tests and launchers can pass their own). */
    public static DistributedEnv from(Map<String, String> env) {
        String rank = value(env, RANK);
        String worldSize = value(env, WORLD_SIZE);
        if (rank == null && worldSize == null) {
            for (String name : new String[] {LOCAL_RANK, LOCAL_WORLD_SIZE, GROUP_RANK}) {
                if (value(env, name) != null) {
                    throw bad(name + " is set but " + RANK + " and " + WORLD_SIZE + " are not; set all of torchrun's variables or none");
                }
            }
            return single();
        }
        if (rank == null || worldSize == null) {
            String missing = rank == null ? RANK : WORLD_SIZE;
            String present = rank == null ? WORLD_SIZE : RANK;
            throw bad(present + " is set but " + missing + " is not; a distributed run needs both (torchrun sets them)");
        }
        int world = integer(env, WORLD_SIZE, worldSize);
        int r = integer(env, RANK, rank);
        String localRank = value(env, LOCAL_RANK);
        String localWorld = value(env, LOCAL_WORLD_SIZE);
        String group = value(env, GROUP_RANK) != null ? GROUP_RANK : value(env, NODE_RANK) != null ? NODE_RANK : null;
        String port = value(env, MASTER_PORT);
        DistributedEnv read = new DistributedEnv(r, world,
                localRank == null ? 0 : integer(env, LOCAL_RANK, localRank),
                localWorld == null ? 1 : integer(env, LOCAL_WORLD_SIZE, localWorld),
                group == null ? 0 : integer(env, group, value(env, group)),
                value(env, MASTER_ADDR),
                port == null ? DEFAULT_MASTER_PORT : integer(env, MASTER_PORT, port),
                "True".equals(value(env, USE_AGENT_STORE)) ? "/worker/attempt_" + value(env, RESTART_COUNT, "0") : null);
        return read.isDistributed() ? read : single(); // a world of one needs no rendezvous
    }

    /** More than one process: gradients are averaged across ranks. */
    public boolean isDistributed() {
        return worldSize > 1;
    }

    /** Rank 0 logs, writes TensorBoard and saves checkpoints (HF's {@code is_world_process_zero}). */
    public boolean isWorldProcessZero() {
        return rank == 0;
    }

    /** Local rank 0 (HF's {@code is_local_process_zero}): one process per machine, e.g. for downloads. */
    public boolean isLocalProcessZero() {
        return localRank == 0;
    }

    /** The number of machines, when every node runs {@link #localWorldSize()} processes (torchrun's GROUP_WORLD_SIZE). */
    public int numNodes() {
        return Math.max(1, worldSize / localWorldSize);
    }

    /**
     * The checkpoint file of this rank's RNG state, as HF's Trainer names it ({@code _save_rng_state}):
     * {@code rng_state.pth} for one process, {@code rng_state_{process_index}.pth} for each rank of several; a resume
     * with the same world size reads its own.
     */
    public String rngStateFile() {
        return isDistributed() ? "rng_state_" + rank + ".pth" : "rng_state.pth";
    }

    /** torch's {@code init_method}: {@code tcp://MASTER_ADDR:MASTER_PORT} (IPv6 addresses in brackets); null for one process. */
    public String initMethod() {
        if (masterAddr == null) {
            return null;
        }
        String host = masterAddr.contains(":") && !masterAddr.startsWith("[") ? "[" + masterAddr + "]" : masterAddr;
        return "tcp://" + host + ":" + masterPort;
    }

    private static String value(Map<String, String> env, String name, String orElse) {
        String v = value(env, name);
        return v == null ? orElse : v;
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static int integer(Map<String, String> env, String name, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw bad(name + "='" + v + "' is not a whole number");
        }
    }

    private static BadInputException bad(String what) {
        return new BadInputException("distributed environment: " + what);
    }
}
