package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.Tensor;
import io.finetune4j.train.distributed.Launcher;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code finetune4j train} as two ranks on loopback, started by {@code finetune4j launch} and by torchrun's variables
 * set by hand: the same final weights, bit for bit, and within 1e-5 of one process with twice the batch.
 */
class DistributedTrainTest {
    @BeforeAll
    static void tinyCheckpointAndData() throws Exception {
        TrainCommandTest.tinyCheckpointAndData();
    }

    private static List<String> trainArgs(Path out, int batch) {
        return List.of("train", "--model_name_or_path", TrainCommandTest.model.toString(), "--dataset_name", TrainCommandTest.data.toString(),
                "--output_dir", out.toString(), "--per_device_train_batch_size", Integer.toString(batch), "--max_train_samples", "64",
                "--max_steps", "4", "--learning_rate", "1e-3", "--eval_strategy", "no", "--save_strategy", "steps", "--save_steps", "2",
                "--report_to", "none", "--disable_tqdm", "true", "--seed", "3", "--max_seq_length", "16");
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void launchAndTorchrunVariablesGiveTheSameWeightsAsOneProcessOfTwiceTheBatch() throws Exception {
        Path dir = Files.createTempDirectory(TrainCommandTest.dir, "ddp");
        Path launched = dir.resolve("launched");
        Path byHand = dir.resolve("by-hand");
        Path single = dir.resolve("single");

        List<String> launch = new ArrayList<>(List.of("launch", "--nproc_per_node", "2", "--master_port", Integer.toString(freePort())));
        launch.addAll(trainArgs(launched, 8));
        MainTest.Result l = MainTest.run(launch.toArray(String[]::new));
        assertEquals(0, l.code(), l.out() + l.err());
        assertTrue(l.out().contains("[rank 0] TrainOutput(global_step=4"), l.out());
        assertTrue(l.out().contains("[rank 1] TrainOutput(global_step=4"), l.out());

        // torchrun's variables by hand, one JVM per rank (what torchrun --no-python, Kubeflow or Slurm start)
        int port = freePort();
        List<Process> ranks = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            List<String> cmd = new ArrayList<>(Launcher.currentJvm(Main.class.getName()));
            cmd.addAll(trainArgs(byHand, 8));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(Map.of("RANK", Integer.toString(r), "WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1",
                    "MASTER_PORT", Integer.toString(port), "OMP_NUM_THREADS", "1"));
            ranks.add(pb.start());
        }
        for (Process p : ranks) {
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), text);
        }

        MainTest.Result s = MainTest.run(trainArgs(single, 16).toArray(String[]::new));
        assertEquals(0, s.code(), s.err());

        byte[] a = Files.readAllBytes(launched.resolve("model.safetensors"));
        assertArrayEquals(a, Files.readAllBytes(byHand.resolve("model.safetensors")), "launch vs torchrun's variables by hand");
        double diff = maxDiff(SafeTensors.read(launched.resolve("model.safetensors")), SafeTensors.read(single.resolve("model.safetensors")));
        assertTrue(diff <= 1e-5, "two ranks of 8 vs one process of 16: weights differ by " + diff);
        // one writer: rank 0's checkpoints, with HF's per-rank RNG files
        assertTrue(Files.isRegularFile(launched.resolve("checkpoint-4/rng_state_1.pth")));
        assertTrue(Files.isRegularFile(launched.resolve("trainer_state.json")));
    }

    static double maxDiff(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet());
        double max = 0;
        for (String k : a.keySet()) {
            FloatBuffer x = a.get(k).data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            FloatBuffer y = b.get(k).data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            while (x.hasRemaining()) {
                max = Math.max(max, Math.abs(x.get() - y.get()));
            }
        }
        return max;
    }
}
