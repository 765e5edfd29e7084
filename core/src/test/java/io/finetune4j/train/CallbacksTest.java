package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallbacksTest {
    @TempDir
    Path tmp;

    private final TrainingArguments args = TrainingArguments.builder().evalStrategy("epoch").saveStrategy("epoch")
            .set("metric_for_best_model", "accuracy").build();

    private static Map<String, Double> eval(double loss, double acc) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("eval_loss", loss);
        m.put("eval_accuracy", acc);
        m.put("eval_runtime", 60.1);
        m.put("eval_samples_per_second", 415.0);
        m.put("eval_steps_per_second", 26.0);
        m.put("epoch", 1.0);
        return m;
    }

    @Test
    void tablePrinterReproducesTheSeedsRows() {
        StringWriter out = new StringWriter();
        EvalTablePrinter printer = new EvalTablePrinter(new PrintWriter(out));
        TrainerState state = new TrainerState();
        double[][] rows = {{0.3421, 0.241491, 0.89964}, {0.1804, 0.255857, 0.90188}};
        for (int e = 0; e < rows.length; e++) {
            state.epoch = e + 1;
            Map<String, Object> log = new LinkedHashMap<>();
            log.put("loss", rows[e][0]);
            state.logHistory.add(log);
            printer.onEvaluate(args, state, new TrainerControl(), eval(rows[e][1], rows[e][2]));
        }
        assertEquals("Epoch,Training Loss,Validation Loss,Accuracy\n1,0.3421,0.241491,0.89964\n2,0.1804,0.255857,0.90188\n",
                out.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void earlyStoppingCountsEvaluationsWithoutEnoughImprovement() {
        EarlyStoppingCallback cb = new EarlyStoppingCallback(2, 0.01);
        TrainerState state = new TrainerState();
        TrainerControl control = new TrainerControl();
        cb.onEvaluate(args, state, control, eval(0.3, 0.80));
        state.bestMetric = 0.80;
        cb.onEvaluate(args, state, control, eval(0.3, 0.805)); // better, but by less than the threshold
        assertEquals(1, cb.patienceCounter());
        cb.onEvaluate(args, state, control, eval(0.3, 0.85));
        assertEquals(0, cb.patienceCounter());
        state.bestMetric = 0.85;
        cb.onEvaluate(args, state, control, eval(0.3, 0.84));
        assertFalse(control.shouldTrainingStop);
        cb.onEvaluate(args, state, control, eval(0.3, 0.84));
        assertTrue(control.shouldTrainingStop);
    }

    @Test
    void jsonlLoggerAppendsOneObjectPerLog() throws Exception {
        JsonlLogger logger = new JsonlLogger(tmp.resolve("runs"));
        TrainerState state = new TrainerState();
        state.globalStep = 500;
        logger.onLog(args, state, new TrainerControl(), new LinkedHashMap<>(Map.of("loss", 0.5)));
        state.globalStep = 1000;
        logger.onLog(args, state, new TrainerControl(), new LinkedHashMap<>(Map.of("eval_loss", 0.25)));
        List<String> lines = Files.readAllLines(logger.file());
        assertEquals(2, lines.size());
        assertEquals(Map.of("eval_loss", 0.25, "step", 1000), new ObjectMapper().readValue(lines.get(1), Map.class));
    }

    @Test
    void tensorBoardTagsFollowHuggingFace() {
        Map<String, Object> logs = new LinkedHashMap<>();
        logs.put("loss", 0.5);
        logs.put("eval_accuracy", 0.9);
        logs.put("test_f1", 0.8);
        logs.put("note", "text is skipped");
        assertEquals(List.of("train/loss", "eval/accuracy", "test/f1"), List.copyOf(TensorBoardLogger.tags(logs).keySet()));
    }
}
