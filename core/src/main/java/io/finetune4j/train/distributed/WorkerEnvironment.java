package io.finetune4j.train.distributed;

import java.util.HashMap;
import java.util.Map;

/**
 * The variables one torchrun worker gets, whoever starts it ({@link Launcher}, a Spark barrier task): RANK,
 * WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, GROUP_RANK / GROUP_WORLD_SIZE (node), ROLE_* (one role, "default"),
 * MASTER_ADDR, MASTER_PORT, TORCHELASTIC_RESTART_COUNT / MAX_RESTARTS (0: no elastic restarts), and
 * OMP_NUM_THREADS ({@link #ompNumThreads}) when the parent does not set it.
 */
public record WorkerEnvironment(int rank, int worldSize, int localRank, int localWorldSize, int groupRank, int groupWorldSize,
                                String masterAddr, int masterPort) {
    public static final String OMP_NUM_THREADS = "OMP_NUM_THREADS";

    /**
     * {@code max(1, cores / localWorldSize)}: torchrun sets 1 (a warning tells you to tune it), which leaves all but
     * N cores idle on a CPU node; dividing the cores (accelerate's rule) avoids the oversubscription torchrun guards
     * against and keeps them all busy (2 ranks on 2 cores: 1 thread each).
     */
    public static int ompNumThreads(int cores, int localWorldSize) {
        return Math.max(1, cores / Math.max(1, localWorldSize));
    }

    /** {@code parent} with this worker's variables over it; {@code cores}: this machine's processors. */
    public Map<String, String> over(Map<String, String> parent, int cores) {
        Map<String, String> env = new HashMap<>(parent);
        env.put(DistributedEnv.RANK, Integer.toString(rank));
        env.put(DistributedEnv.WORLD_SIZE, Integer.toString(worldSize));
        env.put(DistributedEnv.LOCAL_RANK, Integer.toString(localRank));
        env.put(DistributedEnv.LOCAL_WORLD_SIZE, Integer.toString(localWorldSize));
        env.put(DistributedEnv.GROUP_RANK, Integer.toString(groupRank));
        env.put("GROUP_WORLD_SIZE", Integer.toString(groupWorldSize));
        env.put("ROLE_NAME", "default");
        env.put("ROLE_RANK", Integer.toString(rank));
        env.put("ROLE_WORLD_SIZE", Integer.toString(worldSize));
        env.put(DistributedEnv.MASTER_ADDR, masterAddr);
        env.put(DistributedEnv.MASTER_PORT, Integer.toString(masterPort));
        env.put("TORCHELASTIC_RESTART_COUNT", "0");
        env.put("TORCHELASTIC_MAX_RESTARTS", "0");
        env.put("TORCHELASTIC_RUN_ID", "none");
        String omp = parent.get(OMP_NUM_THREADS);
        if (omp == null || omp.isBlank()) {
            env.put(OMP_NUM_THREADS, Integer.toString(ompNumThreads(cores, localWorldSize)));
        }
        return env;
    }
}
