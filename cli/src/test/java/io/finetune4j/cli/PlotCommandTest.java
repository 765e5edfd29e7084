package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.train.TrainerState;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotCommandTest {
    @TempDir
    Path tmp;

    private static Map<String, Object> entry(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void drawsTheSeedsCurvesFromTheLatestCheckpoint() throws Exception {
        // the seed's five epochs (782 steps each), written as a checkpoint's trainer_state.json
        TrainerState state = new TrainerState();
        double[] train = {0.3421, 0.1804, 0.1131, 0.0567, 0.0376};
        double[] val = {0.241491, 0.255857, 0.347929, 0.433937, 0.481276};
        double[] acc = {0.89964, 0.90188, 0.89988, 0.89912, 0.8992};
        for (int e = 0; e < 5; e++) {
            int step = 782 * (e + 1);
            state.logHistory.add(entry("loss", train[e], "grad_norm", 3.1, "learning_rate", 2e-5, "epoch", e + 1.0, "step", step));
            state.logHistory.add(entry("eval_loss", val[e], "eval_accuracy", acc[e], "eval_runtime", 60.0, "epoch", e + 1.0, "step", step));
        }
        state.globalStep = 3910;
        Path ckpt = Files.createDirectories(tmp.resolve("run/checkpoint-3910"));
        state.save(ckpt.resolve(TrainerState.FILE));
        Path png = tmp.resolve("curves.png");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), "plot", tmp.resolve("run").toString(), "--out", png.toString(),
                "--width", "640", "--height", "480");
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("3 curves"), out.toString());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(640, img.getWidth());
        assertEquals(480, img.getHeight());
    }

    @Test
    void aFolderWithoutTrainerStateIsBadInput() {
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "plot", tmp.toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("trainer_state.json"), err.toString());
    }
}
