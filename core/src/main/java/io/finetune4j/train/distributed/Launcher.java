package io.finetune4j.train.distributed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * torchrun without Python: starts {@link LaunchConfig#nprocPerNode()} copies of a command on this node, each with
 * the environment a torchrun worker gets ({@link #environment}), prefixes every line they print with
 * {@code [rank R]}, and when one exits non-zero stops the others (SIGTERM, then SIGKILL after
 * {@link #STOP_GRACE_SECONDS}, as torchrun's {@code PContext.close}) and returns that rank's exit code. SIGINT/SIGTERM
 * to the launcher reach every child the same way (a shutdown hook), so Ctrl-C leaves no rank behind.
 */
public final class Launcher {
    /** How long a stopped rank may take to exit before it is killed (torchrun waits 30 s). */
    public static final int STOP_GRACE_SECONDS = 30;

    /** The run's outcome: exit code 0, or the first failed rank's code and a one-line message naming it. */
    public record Result(int exitCode, int failedRank, String message) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private final LaunchConfig config;
    private final List<String> command;
    private final PrintWriter out;
    private final PrintWriter err;
    private final int graceSeconds;

    /** {@code command}: the program and arguments every rank runs (e.g. {@link #currentJvm} plus {@code train …}). */
    public Launcher(LaunchConfig config, List<String> command, PrintWriter out, PrintWriter err) {
        this(config, command, out, err, STOP_GRACE_SECONDS);
    }

    Launcher(LaunchConfig config, List<String> command, PrintWriter out, PrintWriter err, int graceSeconds) {
        this.config = config;
        this.command = List.copyOf(command);
        this.out = out;
        this.err = err;
        this.graceSeconds = graceSeconds;
    }

    /**
     * The variables a torchrun worker sees, over {@code parent} ({@link WorkerEnvironment}): rank
     * {@code node_rank × nproc_per_node + localRank}, OMP_NUM_THREADS {@code max(1, cores / nproc_per_node)} unless set.
     */
    public static Map<String, String> environment(LaunchConfig config, int localRank, int cores, Map<String, String> parent) {
        return new WorkerEnvironment(config.rank(localRank), config.worldSize(), localRank, config.nprocPerNode(), config.nodeRank(),
                config.nnodes(), config.masterAddr(), config.masterPort()).over(parent, cores);
    }

    /**
     * The command that starts {@code mainClass} in a JVM like this one: the same java binary, JVM options (but a
     * debugger's, whose port would clash) and class path.
     */
    public static List<String> currentJvm(String mainClass) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-Xrunjdwp")) {
                cmd.add(arg);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        return cmd;
    }

    /** Starts the ranks and waits for them; returns when all exited 0 or one failed and the rest were stopped. */
    public Result run() throws IOException, InterruptedException {
        int n = config.nprocPerNode();
        int cores = Runtime.getRuntime().availableProcessors();
        List<Process> children = new ArrayList<>();
        List<Thread> pumps = new ArrayList<>();
        BlockingQueue<Integer> exited = new LinkedBlockingQueue<>();
        Thread stopAll = new Thread(() -> stop(children), "finetune4j-launch-stop");
        Runtime.getRuntime().addShutdownHook(stopAll);
        try {
            for (int local = 0; local < n; local++) {
                ProcessBuilder pb = new ProcessBuilder(command);
                pb.environment().clear();
                pb.environment().putAll(environment(config, local, cores, System.getenv()));
                Process p;
                try {
                    p = pb.start();
                } catch (IOException e) {
                    stop(children);
                    throw new IOException("could not start rank " + config.rank(local) + " (" + command.get(0) + "): " + e.getMessage(), e);
                }
                synchronized (children) {
                    children.add(p);
                }
                p.getOutputStream().close();
                String prefix = "[rank " + config.rank(local) + "] ";
                pumps.add(pump(p.getInputStream(), out, prefix));
                pumps.add(pump(p.getErrorStream(), err, prefix));
                int index = local;
                p.onExit().thenRun(() -> exited.add(index));
            }
            Result result = null;
            for (int done = 0; done < n; done++) {
                int local = exited.take();
                int code = children.get(local).exitValue();
                if (code != 0 && result == null) {
                    int rank = config.rank(local);
                    boolean others = done + 1 < n;
                    result = new Result(code, rank, "rank " + rank + " (local rank " + local + ", pid " + children.get(local).pid()
                            + ") exited with code " + code + (others ? "; stopped the other ranks" : ""));
                    stop(children);
                }
            }
            for (Thread t : pumps) {
                t.join();
            }
            return result != null ? result : new Result(0, -1, "all " + n + " ranks exited with code 0");
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopAll);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it stops the children
            }
        }
    }

    /** SIGTERM to every live rank, then SIGKILL to those still alive after the grace period. */
    private void stop(List<Process> children) {
        List<Process> live;
        synchronized (children) {
            live = children.stream().filter(Process::isAlive).toList();
        }
        live.forEach(Process::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
        for (Process p : live) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A daemon thread copying each line of {@code in} to {@code sink} with {@code prefix} (e.g. {@code "[rank 1] "}) until it ends. */
    public static Thread pump(InputStream in, PrintWriter sink, String prefix) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (sink) {
                        sink.println(prefix + line);
                        sink.flush();
                    }
                }
            } catch (IOException ignored) {
                // the child is gone
            }
        }, "finetune4j-launch-" + prefix.strip());
        t.setDaemon(true);
        t.start();
        return t;
    }
}
