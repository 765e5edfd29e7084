package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.Tensor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training between real processes on loopback (Gloo over TCP, torchrun's variables): two ranks of
 * per_device_train_batch_size 8 end where one process of 16 does, evaluation sharded over ranks equals one process's,
 * and a rank killed mid-run stops the other at once; resuming both finishes byte-identical to an uninterrupted run.
 */
class DataParallelTest {
    @TempDir
    Path tmp;

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Runs {@code world} processes to the end; returns each one's stdout. */
    private List<String> run(Path out, int batch, double dropout, boolean resume, int maxSteps, int world, String... extra) throws Exception {
        int port = freePort();
        List<Process> procs = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            procs.add(DataParallelRuns.start(out, batch, dropout, resume, maxSteps, r, world, port, tmp.resolve("child.log"), extra));
        }
        List<String> outs = new ArrayList<>();
        for (Process p : procs) {
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), "a rank did not finish");
            assertEquals(0, p.exitValue(), text + "\nsee " + tmp.resolve("child.log") + ":\n" + Files.readString(tmp.resolve("child.log")));
            outs.add(text);
        }
        return outs;
    }

    private static Map<String, Tensor> weights(Path dir) {
        return SafeTensors.read(dir.resolve("model.safetensors"));
    }

    private static float[] floats(Tensor t) {
        FloatBuffer b = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    private static double maxDiff(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet());
        double max = 0;
        for (String k : a.keySet()) {
            float[] x = floats(a.get(k));
            float[] y = floats(b.get(k));
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i] - y[i]));
            }
        }
        return max;
    }

    private static Map<String, Double> metrics(Path file) throws Exception {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] kv = line.split("=");
            m.put(kv[0], Double.parseDouble(kv[1]));
        }
        return m;
    }

    @Test
    void twoRanksOfEightEndWhereOneProcessOfSixteenDoes() throws Exception {
        Path single = tmp.resolve("single/out");
        Path ddp = tmp.resolve("ddp/out");
        run(single, 16, 0.0, false, 6, 1);
        run(ddp, 8, 0.0, false, 6, 2);
        double diff = maxDiff(weights(single), weights(ddp));
        assertTrue(diff <= 1e-5, "weights differ by " + diff);
        // with gradient checkpointing the buckets are all-reduced after the backward instead of in it (libtorch's Reducer)
        Path afterBackward = tmp.resolve("ddp-checkpointing/out");
        run(afterBackward, 8, 0.0, false, 6, 2, "gradient_checkpointing");
        double diff2 = maxDiff(weights(single), weights(afterBackward));
        assertTrue(diff2 <= 1e-5, "weights differ by " + diff2 + " with the all-reduce after the backward");
        // only rank 0 wrote: the checkpoints and the model are there once, with HF's per-rank RNG files
        assertTrue(Files.isRegularFile(ddp.resolve("checkpoint-6/rng_state_0.pth")));
        assertTrue(Files.isRegularFile(ddp.resolve("checkpoint-6/rng_state_1.pth")));
        assertTrue(Files.isRegularFile(single.resolve("checkpoint-6/rng_state.pth")));

        // one process of 16 and two of 8 end within 1e-5 of each other: their predictions agree
        List<String> one = Files.readAllLines(single.resolveSibling("predictions-0.txt"));
        List<String> two = Files.readAllLines(ddp.resolveSibling("predictions-0.txt"));
        for (int i = 0; i < one.size(); i++) {
            assertEquals(argmax(parse(one.get(i))), argmax(parse(two.get(i))), "row " + i);
            assertArrayEquals(parse(one.get(i)), parse(two.get(i)), 1e-4f, "row " + i);
        }
        Map<String, Double> m1 = metrics(single.resolveSibling("metrics-0.txt"));
        Map<String, Double> m2 = metrics(ddp.resolveSibling("metrics-0.txt"));
        assertEquals(m1.get("eval_accuracy"), m2.get("eval_accuracy"));
        assertEquals(m1.get("train_loss"), m2.get("train_loss"), 1e-5);

        // sharded evaluation (21 rows, 4 per batch, 2 ranks: 6 batches, rank 1's last round empty) equals the same model
        // evaluated by one process, on every rank, bit for bit: every row runs in the batch it runs in alone
        for (int r = 0; r < 2; r++) {
            List<String> sharded = Files.readAllLines(ddp.resolveSibling("predictions-" + r + ".txt"));
            assertEquals(DataParallelRuns.EVAL_ROWS, sharded.size());
            assertEquals(Files.readAllLines(ddp.resolveSibling("predictions-alone-" + r + ".txt")), sharded, "rank " + r);
            Map<String, Double> shardedMetrics = metrics(ddp.resolveSibling("metrics-" + r + ".txt"));
            shardedMetrics.remove("train_loss");
            assertEquals(metrics(ddp.resolveSibling("metrics-alone-" + r + ".txt")), shardedMetrics, "rank " + r);
        }
    }

    /**
     * With dropout on, two ranks draw other masks than one process (each rank its own rows' masks), so the weights
     * differ, but training goes the same way: the training losses agree within noise. Then rank 1 is killed with
     * SIGKILL at step 7: rank 0 stops at once (not after ddp_timeout's 30 minutes), non-zero, with one line naming
     * rank 1; both resume from checkpoint-6 and finish byte-identical to the uninterrupted two-rank run.
     */
    @Test
    void withDropoutTrainsAlikeAndAKilledRankResumesByteIdentical() throws Exception {
        Path single = tmp.resolve("single/out");
        Path whole = tmp.resolve("whole/out");
        run(single, 16, 0.1, false, 12, 1);
        run(whole, 8, 0.1, false, 12, 2);
        double a = metrics(single.resolveSibling("metrics-0.txt")).get("train_loss");
        double b = metrics(whole.resolveSibling("metrics-0.txt")).get("train_loss");
        assertTrue(Math.abs(a - b) < 0.05, "train_loss " + a + " (one process) vs " + b + " (two ranks)");

        Path cut = tmp.resolve("cut/out");
        int port = freePort();
        Process rank0 = DataParallelRuns.start(cut, 8, 0.1, false, 12, 0, 2, port, tmp.resolve("child.log"));
        Process rank1 = DataParallelRuns.start(cut, 8, 0.1, false, 12, 1, 2, port, tmp.resolve("child.log"));
        try (BufferedReader r = new BufferedReader(new InputStreamReader(rank1.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null && !line.equals("step 7")) {
                // wait for step 7
            }
        }
        long killed = System.nanoTime();
        rank1.destroyForcibly();
        assertTrue(rank0.waitFor(60, TimeUnit.SECONDS), "rank 0 still runs 60 s after rank 1 was killed");
        double seconds = (System.nanoTime() - killed) / 1e9;
        String out0 = new String(rank0.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, rank0.exitValue(), out0);
        List<String> errors = out0.lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), out0);
        assertTrue(errors.get(0).contains("rank 1 (pid " + rank1.pid() + ") stopped"), errors.get(0));
        assertTrue(errors.get(0).contains("checkpoint-6"), errors.get(0));
        assertTrue(!errors.get(0).contains(".cc:"), "no native source paths in the line: " + errors.get(0));
        assertTrue(seconds < 30, "rank 0 took " + seconds + " s to stop");

        run(cut, 8, 0.1, true, 12, 2);
        assertArrayEquals(Files.readAllBytes(whole.resolve("model.safetensors")), Files.readAllBytes(cut.resolve("model.safetensors")));
        assertEquals(Files.readAllLines(whole.resolveSibling("predictions-0.txt")), Files.readAllLines(cut.resolveSibling("predictions-0.txt")));
    }

    private static float[] parse(String s) {
        String[] parts = s.replaceAll("[\\[\\] ]", "").split(",");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Float.parseFloat(parts[i]);
        }
        return out;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
