package io.finetune4j.train;

import io.finetune4j.BadInputException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Draws a run's log_history as PNG: training and validation loss, and the eval metrics, against the step. */
public final class TrainingCurves {
    private TrainingCurves() {}

    /** trainer_state.json of a run folder, or of its latest checkpoint when the run has not finished. */
    public static Path stateFile(Path runDir) {
        if (Files.isRegularFile(runDir) && runDir.getFileName().toString().equals(TrainerState.FILE)) {
            return runDir;
        }
        Path direct = runDir.resolve(TrainerState.FILE);
        if (Files.isRegularFile(direct)) {
            return direct;
        }
        Path latest = Checkpoints.latestCheckpoint(runDir);
        if (latest == null) {
            throw new BadInputException("no " + TrainerState.FILE + " in " + runDir + " or in a checkpoint-N folder under it; "
                    + "pass a training output_dir");
        }
        return latest.resolve(TrainerState.FILE);
    }

    /** Series by name ("loss", "eval_loss", "eval_accuracy", …) → (step, value) points, in log order. */
    public static Map<String, XYSeries> series(TrainerState state) {
        Map<String, XYSeries> out = new LinkedHashMap<>();
        for (Map<String, Object> entry : state.logHistory) {
            if (!(entry.get("step") instanceof Number step) || entry.containsKey("train_runtime")) {
                continue;
            }
            for (Map.Entry<String, Object> e : entry.entrySet()) {
                String k = e.getKey();
                boolean plotted = k.equals("loss") || (k.startsWith("eval_") && !k.equals("eval_runtime") && !k.endsWith("_per_second"));
                if (plotted && e.getValue() instanceof Number v) {
                    out.computeIfAbsent(k, name -> new XYSeries(label(name), false, true)).add(step.doubleValue(), v.doubleValue());
                }
            }
        }
        return out;
    }

    /** Writes the chart to {@code png} (headless) and returns the number of series drawn. */
    public static int writePng(TrainerState state, String title, Path png, int width, int height) {
        System.setProperty("java.awt.headless", "true");
        Map<String, XYSeries> series = series(state);
        if (series.isEmpty()) {
            throw new BadInputException("the run's log_history has no loss or eval values yet; plot again after the first log "
                    + "(logging_steps=" + state.loggingSteps + ")");
        }
        XYSeriesCollection losses = new XYSeriesCollection();
        XYSeriesCollection metrics = new XYSeriesCollection();
        series.forEach((k, s) -> (k.equals("loss") || k.equals("eval_loss") ? losses : metrics).addSeries(s));
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("step"));
        plot.setGap(12);
        if (losses.getSeriesCount() > 0) {
            plot.add(subplot(losses, "loss"), 1);
        }
        if (metrics.getSeriesCount() > 0) {
            plot.add(subplot(metrics, "metric"), 1);
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        try {
            Path parent = png.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            ChartUtils.saveChartAsPNG(png.toFile(), chart, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
        return series.size();
    }

    private static XYPlot subplot(XYSeriesCollection data, String axis) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        NumberAxis y = new NumberAxis(axis);
        y.setAutoRangeIncludesZero(false);
        XYPlot p = new XYPlot(data, null, y, renderer);
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(Color.LIGHT_GRAY);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return p;
    }

    /** loss → Training Loss, eval_loss → Validation Loss, eval_accuracy → Accuracy (the seed's table names). */
    private static String label(String key) {
        if (key.equals("loss")) return "Training Loss";
        if (key.equals("eval_loss")) return "Validation Loss";
        StringBuilder sb = new StringBuilder();
        for (String part : key.substring("eval_".length()).split("_")) {
            if (part.isEmpty()) continue;
            if (sb.length() > 0) sb.append(' ');
            sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return sb.toString();
    }

    static List<String> names(TrainerState state) {
        return List.copyOf(series(state).keySet());
    }
}
