package io.finetune4j.train.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Real child JVMs on loopback: the torchrun environment each rank sees, output prefixes, and a failing rank. */
class LauncherTest {
    /** A rank: prints its torchrun variables; {@code fail R code} makes rank R exit with code, the others wait. */
    public static final class Rank {
        public static void main(String[] args) throws Exception {
            Map<String, String> env = System.getenv();
            System.out.println("env " + DistributedEnv.fromEnvironment() + " OMP_NUM_THREADS=" + env.get("OMP_NUM_THREADS")
                    + " GROUP_WORLD_SIZE=" + env.get("GROUP_WORLD_SIZE") + " pid=" + ProcessHandle.current().pid());
            System.err.println("to stderr");
            if (args.length == 3 && args[0].equals("fail")) {
                if (env.get("RANK").equals(args[1])) {
                    System.exit(Integer.parseInt(args[2]));
                }
                Thread.sleep(120_000);
            }
        }
    }

    /** A launcher in its own JVM (so the test can SIGTERM it): two ranks that wait. */
    public static final class LaunchMain {
        public static void main(String[] args) throws Exception {
            List<String> cmd = new ArrayList<>(Launcher.currentJvm(Rank.class.getName()));
            cmd.addAll(List.of("fail", "99", "0")); // no rank 99: both wait
            PrintWriter out = new PrintWriter(System.out, true);
            System.exit(new Launcher(new LaunchConfig(2, 1, 0, "127.0.0.1", 29516), cmd, out, new PrintWriter(System.err, true), 5).run().exitCode());
        }
    }

    private record Run(Launcher.Result result, String out, String err, long millis) {}

    private static Run launch(LaunchConfig config, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(Launcher.currentJvm(Rank.class.getName()));
        cmd.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        Launcher.Result r = new Launcher(config, cmd, new PrintWriter(out), new PrintWriter(err), 5).run();
        return new Run(r, out.toString(), err.toString(), (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void everyRankSeesTorchrunsEnvironment() throws Exception {
        Run run = launch(new LaunchConfig(2, 2, 1, "127.0.0.1", 29511));
        assertTrue(run.result().ok(), run.result() + " " + run.err());
        for (int local = 0; local < 2; local++) {
            int rank = 2 + local;
            String expected = "[rank " + rank + "] env " + new DistributedEnv(rank, 4, local, 2, 1, "127.0.0.1", 29511);
            assertTrue(run.out().contains(expected), run.out());
            assertTrue(run.err().contains("[rank " + rank + "] to stderr"), run.err());
        }
        assertTrue(run.out().contains("GROUP_WORLD_SIZE=2"), run.out());
        assertEquals(2, run.out().lines().count(), run.out());
    }

    @Test
    void environmentKeepsTheParentsAndDividesTheCores() {
        LaunchConfig config = new LaunchConfig(4, 1, 0, "127.0.0.1", 29500);
        Map<String, String> env = Launcher.environment(config, 3, 16, Map.of("PATH", "/bin"));
        assertEquals("/bin", env.get("PATH"));
        assertEquals("3", env.get("RANK"));
        assertEquals("3", env.get("LOCAL_RANK"));
        assertEquals("4", env.get("WORLD_SIZE"));
        assertEquals("4", env.get("LOCAL_WORLD_SIZE"));
        assertEquals("29500", env.get("MASTER_PORT"));
        assertEquals("4", env.get("OMP_NUM_THREADS"));
        assertEquals("1", Launcher.environment(config, 0, 2, Map.of()).get("OMP_NUM_THREADS"));
        assertEquals("7", Launcher.environment(config, 0, 2, Map.of("OMP_NUM_THREADS", "7")).get("OMP_NUM_THREADS"));
        assertEquals(new DistributedEnv(3, 4, 3, 4, 0, "127.0.0.1", 29500), DistributedEnv.from(env));
    }

    @Test
    void aFailingRankStopsTheOthersAndNamesItself() throws Exception {
        Run run = launch(new LaunchConfig(2, 1, 0, "127.0.0.1", 29512), "fail", "1", "3");
        assertEquals(3, run.result().exitCode(), run.result().toString());
        assertEquals(1, run.result().failedRank());
        assertTrue(run.result().message().startsWith("rank 1 (local rank 1, pid "), run.result().message());
        assertTrue(run.result().message().endsWith("exited with code 3; stopped the other ranks"), run.result().message());
        assertFalse(run.result().message().contains("\n"));
        // rank 0 would sleep two minutes; it was stopped (SIGTERM) well before
        assertTrue(run.millis() < 60_000, run.millis() + " ms");
    }

    @Test
    void sigtermToTheLauncherStopsEveryRank() throws Exception {
        Process launcher = new ProcessBuilder(Launcher.currentJvm(LaunchMain.class.getName())).redirectErrorStream(true).start();
        List<Long> pids = new ArrayList<>();
        try (java.io.BufferedReader r = launcher.inputReader()) {
            for (String line; pids.size() < 2 && (line = r.readLine()) != null; ) {
                if (line.contains(" pid=")) {
                    pids.add(Long.parseLong(line.substring(line.indexOf(" pid=") + 5).strip()));
                }
            }
            assertEquals(2, pids.size(), "both ranks started");
            launcher.destroy(); // SIGTERM, as Ctrl-C's SIGINT runs the same shutdown hook
            assertTrue(launcher.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the launcher exits");
        } finally {
            launcher.destroyForcibly();
        }
        for (long pid : pids) {
            ProcessHandle h = ProcessHandle.of(pid).orElse(null);
            assertTrue(h == null || h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS) != null, "rank pid " + pid);
            assertFalse(h != null && h.isAlive(), "rank pid " + pid + " was stopped with the launcher");
        }
    }

    @Test
    void badLaunchFlagsAreOneLine() {
        assertThrows(BadInputException.class, () -> new LaunchConfig(0, 1, 0, "127.0.0.1", 29500));
        BadInputException e = assertThrows(BadInputException.class, () -> new LaunchConfig(2, 2, 2, "127.0.0.1", 29500));
        assertEquals("--node_rank 2 must be in [0, --nnodes 2)", e.getMessage());
        assertThrows(BadInputException.class, () -> new LaunchConfig(2, 1, 0, "127.0.0.1", 0));
        assertThrows(BadInputException.class, () -> new LaunchConfig(2, 1, 0, " ", 29500));
    }
}
