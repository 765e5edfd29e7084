package io.finetune4j.spark;

import io.finetune4j.train.distributed.Launcher;
import io.finetune4j.train.distributed.WorkerEnvironment;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.BarrierTaskInfo;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * One task of a training barrier stage: this task's rank is its partition id; task 0 picks a free port on its host and
 * shares it with {@code allGather} (as Spark's TorchDistributor does); each task then starts ONE child JVM (tasks of an
 * executor share a JVM, and so libtorch's global state) running {@code mainClass args…} with torchrun's variables
 * ({@link WorkerEnvironment}), prints its lines prefixed {@code [rank R] }, and fails when it exits non-zero.
 */
final class RankTask extends AbstractFunction1<Iterator<Integer>, Iterator<String>> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String mainClass;
    private final List<String> args;
    private final String freshDir;

    /** {@code freshDir}: a folder (the ranks' output_dir) rank 0 deletes before a retried attempt of the stage starts; may be null. */
    RankTask(String mainClass, List<String> args, String freshDir) {
        this.mainClass = mainClass;
        this.args = List.copyOf(args);
        this.freshDir = freshDir;
    }

    /** The worker variables of {@code rank} among tasks at {@code addresses} (host:port, by partition id). */
    static WorkerEnvironment environment(int rank, String[] addresses, int masterPort) {
        List<String> hosts = new ArrayList<>();
        for (String a : addresses) {
            hosts.add(host(a));
        }
        String mine = hosts.get(rank);
        int localRank = 0;
        int localWorld = 0;
        for (int i = 0; i < hosts.size(); i++) {
            if (hosts.get(i).equals(mine)) {
                localWorld++;
                if (i < rank) {
                    localRank++;
                }
            }
        }
        List<String> groups = new ArrayList<>(new LinkedHashSet<>(hosts)); // hosts in order of their first rank
        return new WorkerEnvironment(rank, hosts.size(), localRank, localWorld, groups.indexOf(mine), groups.size(), hosts.get(0), masterPort);
    }

    /** "10.0.0.7:41234" → "10.0.0.7"; "[::1]:41234" → "::1" (MASTER_ADDR: task 0's host without its port). */
    static String host(String address) {
        int colon = address.lastIndexOf(':'); // Spark's task addresses are always host:port
        String h = colon > 0 ? address.substring(0, colon) : address;
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    @Override
    public Iterator<String> apply(Iterator<Integer> partition) {
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int rank = ctx.partitionId();
        BarrierTaskInfo[] infos = ctx.getTaskInfos();
        String[] addresses = new String[infos.length];
        for (int i = 0; i < infos.length; i++) {
            addresses[i] = infos[i].address();
        }
        if (rank == 0 && freshDir != null && ctx.stageAttemptNumber() > 0) {
            try { // Spark retries a failed barrier stage as a whole: every rank starts again from nothing
                io.finetune4j.io.AtomicFiles.deleteRecursively(java.nio.file.Path.of(freshDir));
            } catch (IOException e) {
                throw new UncheckedIOException("rank 0 could not empty " + freshDir + " for attempt " + ctx.stageAttemptNumber() + ": " + e.getMessage(), e);
            }
        }
        String[] ports = ctx.allGather(rank == 0 ? Integer.toString(freePort()) : "");
        WorkerEnvironment worker = environment(rank, addresses, Integer.parseInt(ports[0]));
        List<String> command = new ArrayList<>(Launcher.currentJvm(mainClass));
        int cp = command.indexOf("-cp") + 1;
        command.set(cp, classPath(command.get(cp)));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(worker.over(System.getenv(), Runtime.getRuntime().availableProcessors()));
        String prefix = "[rank " + rank + "] ";
        Process child;
        try {
            child = pb.start();
        } catch (IOException e) {
            throw new RankFailedException(rank, -1, "could not start rank " + rank + " (" + command.get(0) + "): " + e.getMessage());
        }
        ctx.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) c -> stop(child));
        Thread stopOnExit = new Thread(() -> stop(child), "finetune4j-rank-" + rank + "-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            try {
                child.getOutputStream().close();
            } catch (IOException ignored) {
                // the child reads no input
            }
            PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
            LastLine err = new LastLine(new PrintWriter(System.err, true, StandardCharsets.UTF_8));
            Thread o = Launcher.pump(child.getInputStream(), out, prefix);
            Thread e = Launcher.pump(child.getErrorStream(), err, prefix);
            while (!child.waitFor(200, TimeUnit.MILLISECONDS)) {
                if (ctx.isInterrupted()) { // another rank failed, or the job was cancelled
                    stop(child);
                    throw new RankFailedException(rank, -1, "rank " + rank + " was stopped: the stage was cancelled");
                }
            }
            o.join(10_000);
            e.join(10_000);
            int code = child.exitValue();
            if (code != 0) {
                throw new RankFailedException(rank, code, "rank " + rank + " (pid " + child.pid() + " on " + host(addresses[rank])
                        + ") exited with code " + code + (err.last == null ? "" : ": " + err.last));
            }
            return CollectionConverters.asScala(List.of("rank " + rank + " exited with code 0").iterator());
        } catch (InterruptedException e) {
            stop(child);
            Thread.currentThread().interrupt();
            throw new RankFailedException(rank, -1, "rank " + rank + " was interrupted");
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it stops the child
            }
        }
    }

    /**
     * The executor's class path: {@code java.class.path} (all of it in local mode) and the jars Spark added to the
     * task's class loader ({@code --jars}, the application jar on a cluster).
     */
    private static String classPath(String jvmClassPath) {
        Set<String> entries = new LinkedHashSet<>(List.of(jvmClassPath.split(java.io.File.pathSeparator)));
        for (ClassLoader l = Thread.currentThread().getContextClassLoader(); l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    if ("file".equals(url.getProtocol())) {
                        try {
                            entries.add(java.nio.file.Path.of(url.toURI()).toString());
                        } catch (java.net.URISyntaxException | IllegalArgumentException ignored) {
                            // not a local file
                        }
                    }
                }
            }
        }
        entries.remove("");
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("rank 0 could not find a free port for MASTER_PORT: " + e.getMessage(), e);
        }
    }

    /** SIGTERM, then SIGKILL after {@link Launcher#STOP_GRACE_SECONDS}, as the launcher stops a rank. */
    private static void stop(Process child) {
        if (!child.isAlive()) {
            return;
        }
        child.destroy();
        try {
            if (!child.waitFor(Launcher.STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A sink that remembers the last line printed (the child's error line, for the task's failure message). */
    private static final class LastLine extends PrintWriter {
        volatile String last;

        LastLine(PrintWriter out) {
            super(out, true);
        }

        @Override
        public void println(String line) {
            super.println(line);
            int cut = line.indexOf("] ");
            last = cut < 0 ? line : line.substring(cut + 2);
        }
    }

    /** A rank exited non-zero (or could not start, or was stopped: code -1). */
    static final class RankFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int rank;
        final int exitCode;

        RankFailedException(int rank, int exitCode, String message) {
            super(message);
            this.rank = rank;
            this.exitCode = exitCode;
        }
    }
}
