package io.finetune4j.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.train.distributed.Launcher;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two real processes on loopback, talking through TCPStore + ProcessGroupGloo. */
class ProcessGroupTest {

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static List<String> runRanks(int world, String mode, int[] exitCodes) throws Exception {
        return runRanks(world, mode, exitCodes, freePort());
    }

    private static List<String> runRanks(int world, String mode, int[] exitCodes, int port, String... extra) throws Exception {
        List<Process> procs = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            List<String> cmd = new ArrayList<>(Launcher.currentJvm(ProcessGroupMain.class.getName()));
            cmd.addAll(List.of(Integer.toString(r), Integer.toString(world), Integer.toString(port), mode));
            cmd.addAll(List.of(extra));
            procs.add(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        }
        List<String> outs = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            Process p = procs.get(r);
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "rank " + r + " did not finish");
            outs.add(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            exitCodes[r] = p.exitValue();
        }
        return outs;
    }

    @Test
    void collectivesBetweenTwoProcesses() throws Exception {
        int[] codes = new int[2];
        List<String> outs = runRanks(2, "collectives", codes);
        for (int r = 0; r < 2; r++) {
            String out = outs.get(r);
            assertEquals(0, codes[r], out);
            assertTrue(out.contains("all_reduce [3.0, 30.0]"), out);
            assertTrue(out.contains("broadcast [1.0, 1.0, 1.0]"), out);
            assertTrue(out.contains("all_gather [2, 2] [0.0, 0.0, 1.0, -1.0]"), out);
            assertTrue(out.contains("store from " + (1 - r) + " missing=null"), out);
        }
    }

    @Test
    void aRankThatDiesStopsTheOtherAtOnce() throws Exception {
        int[] codes = new int[2];
        List<String> outs = runRanks(2, "die", codes);
        assertEquals(3, codes[1], outs.get(1));
        String out = outs.get(0);
        assertEquals(0, codes[0], out);
        assertTrue(out.contains("lost peer after"), out);
        assertTrue(out.contains("all_reduce failed on rank 0"), out);
        double seconds = Double.parseDouble(out.replaceAll("(?s).*lost peer after ([0-9.]+) s.*", "$1"));
        assertTrue(seconds < 15, "the survivor waited " + seconds + " s");
    }

    /**
     * torchrun (TORCHELASTIC_USE_AGENT_STORE=True): its agent hosts the store, here this JVM; every rank is a client and
     * keeps its keys under /worker/attempt_0, as torch's env:// rendezvous does.
     */
    @Test
    void theAgentsStoreWithItsPrefix() throws Exception {
        int port = freePort();
        org.bytedeco.pytorch.TCPStoreOptions o = new org.bytedeco.pytorch.TCPStoreOptions();
        o.port((short) port).isServer(true).waitWorkers(false);
        org.bytedeco.pytorch.TCPStore agent = new org.bytedeco.pytorch.TCPStore("127.0.0.1", o);
        try {
            int[] codes = new int[2];
            List<String> outs = runRanks(2, "collectives", codes, port, "/worker/attempt_0");
            for (int r = 0; r < 2; r++) {
                assertEquals(0, codes[r], outs.get(r));
                assertTrue(outs.get(r).contains("all_reduce [3.0, 30.0]"), outs.get(r));
            }
            assertTrue(agent.check(new org.bytedeco.pytorch.StringVector("/worker/attempt_0/hello/1")));
        } finally {
            agent.deallocate();
        }
    }
}
