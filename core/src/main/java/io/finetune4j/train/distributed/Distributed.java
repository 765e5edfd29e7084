package io.finetune4j.train.distributed;

import io.finetune4j.torch.DistributedException;
import io.finetune4j.torch.ProcessGroup;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The process's default group, as torch.distributed keeps one: joined once from torchrun's environment
 * ({@link DistributedEnv}) at the first training or evaluation that needs it, and kept until the process ends. Knows
 * every rank's host and pid (exchanged when joining), so that a lost peer can be named: a rank on this machine
 * whose process is gone is the one that stopped.
 */
public final class Distributed {
    private static final String PID_KEY = "finetune4j/pid/";
    private static Distributed current;

    private final DistributedEnv env;
    private final ProcessGroup group;
    private final List<String> hosts = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();

    private Distributed(DistributedEnv env, ProcessGroup group) {
        this.env = env;
        this.group = group;
    }

    /**
     * The default group of this process, joined on first use ({@code init_process_group(backend, timeout=ddp_timeout)})
     * with this rank's {@code device} (nccl's GPU; gloo runs on the CPU); null when the environment names one process.
     */
    public static synchronized Distributed join(DistributedEnv env, String backend, int timeoutSeconds, io.finetune4j.torch.Device device) {
        if (!env.isDistributed()) {
            return null;
        }
        if (current != null) {
            return current;
        }
        ProcessGroup group = ProcessGroup.init(backend, env.masterAddr(), env.masterPort(), env.agentStorePrefix(), env.rank(),
                env.worldSize(), Duration.ofSeconds(timeoutSeconds), device);
        Distributed d = new Distributed(env, group);
        group.storeSet(PID_KEY + env.rank(), hostName() + " " + ProcessHandle.current().pid());
        group.barrier();
        for (int r = 0; r < env.worldSize(); r++) {
            String v = group.storeGet(PID_KEY + r);
            String[] parts = v == null ? new String[] {"?", "-1"} : v.split(" ");
            d.hosts.add(parts[0]);
            d.pids.add(Long.parseLong(parts[1]));
        }
        current = d;
        return d;
    }

    public DistributedEnv env() {
        return env;
    }

    public ProcessGroup group() {
        return group;
    }

    public int rank() {
        return env.rank();
    }

    public int worldSize() {
        return env.worldSize();
    }

    /**
     * The one line for a collective that failed at {@code where}: which rank stopped (when it ran on this machine and
     * its process is gone), else the peer that went away as Gloo saw it.
     */
    public String lostPeer(DistributedException e, String where) {
        List<String> gone = new ArrayList<>();
        for (int r = 0; r < pids.size(); r++) {
            if (r != env.rank() && hosts.get(r).equals(hostName()) && ProcessHandle.of(pids.get(r)).map(p -> !p.isAlive()).orElse(true)) {
                gone.add("rank " + r + " (pid " + pids.get(r) + ")");
            }
        }
        String who = gone.isEmpty() ? "a peer rank stopped or became unreachable" : String.join(", ", gone) + " stopped";
        return "distributed training: " + who + " " + where + "; rank " + env.rank() + " stops too (" + e.getMessage() + ")";
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
