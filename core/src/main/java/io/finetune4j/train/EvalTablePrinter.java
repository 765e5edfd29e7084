package io.finetune4j.train;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints HF's notebook evaluation table row by row as evaluations arrive:
 * {@code Epoch | Training Loss | Validation Loss | Accuracy}, training loss with 4 decimals and the
 * rest with 6 (what the seed shows). With eval_strategy steps the first column is Step.
 */
public final class EvalTablePrinter implements TrainerCallback {
    private final PrintWriter out;
    private List<String> metricKeys;
    private boolean byStep;

    public EvalTablePrinter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        if (metricKeys == null) {
            byStep = args.evalStrategy() == TrainingArguments.IntervalStrategy.STEPS;
            metricKeys = new ArrayList<>();
            for (String k : metrics.keySet()) {
                if (!k.equals("eval_loss") && !k.equals("eval_runtime") && !k.endsWith("_per_second") && !k.equals("epoch")) {
                    metricKeys.add(k);
                }
            }
            List<String> header = new ArrayList<>(List.of(byStep ? "Step" : "Epoch", "Training Loss", "Validation Loss"));
            for (String k : metricKeys) {
                header.add(title(k.substring("eval_".length())));
            }
            out.println(String.join(",", header));
        }
        Double trainLoss = state.lastLogged("loss");
        List<String> row = new ArrayList<>();
        row.add(byStep ? Integer.toString(state.globalStep) : Long.toString(Math.round(state.epoch)));
        row.add(trainLoss == null ? "No log" : String.format(Locale.ROOT, "%.4f", trainLoss));
        Double evalLoss = metrics.get("eval_loss");
        row.add(evalLoss == null ? "No log" : trim(evalLoss));
        for (String k : metricKeys) {
            Double v = metrics.get(k);
            row.add(v == null ? "" : trim(v));
        }
        out.println(String.join(",", row));
        out.flush();
    }

    /** Python's round(x, 6) printed without trailing zeros (0.89964, 0.241491). */
    private static String trim(double v) {
        String s = new java.math.BigDecimal(v).setScale(6, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
        return s.contains(".") ? s : s + ".0";
    }

    /** accuracy → Accuracy, f1 → F1, matthews_correlation → Matthews Correlation (HF's column names). */
    private static String title(String key) {
        StringBuilder sb = new StringBuilder();
        for (String part : key.split("_")) {
            if (!part.isEmpty()) {
                if (sb.length() > 0) sb.append(' ');
                sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return sb.toString();
    }
}
