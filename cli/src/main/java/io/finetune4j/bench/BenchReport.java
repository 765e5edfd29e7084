package io.finetune4j.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders results of {@code bench --json} as Markdown tables, one row per result, with the ratio to
 * the DJL baseline (training cases) and to the matmul ceiling (MFU) when both are in the file.
 */
public final class BenchReport {
    private BenchReport() {}

    @SuppressWarnings("unchecked")
    public static String markdown(List<Map<String, Object>> results) {
        StringBuilder sb = new StringBuilder();
        Double baseline = null;
        Double gflops = null;
        for (Map<String, Object> r : results) {
            Map<String, Object> metrics = (Map<String, Object>) r.get("metrics");
            if ("baseline-djl".equals(r.get("case")) && metrics.get("samples_per_s") instanceof Number n) {
                baseline = n.doubleValue();
            }
            if ("gemm".equals(r.get("case")) && metrics.get("gflops") instanceof Number n) {
                gflops = n.doubleValue();
            }
        }
        Map<String, Object> machine = results.isEmpty() ? Map.of() : (Map<String, Object>) results.get(0).get("machine");
        if (!machine.isEmpty()) {
            sb.append("Machine: ").append(MachineLine.format(machine)).append("\n\n");
        }
        sb.append("| case | parameters | result | vs DJL BertBlock | date |\n| --- | --- | --- | --- | --- |\n");
        for (Map<String, Object> r : results) {
            Map<String, Object> metrics = new LinkedHashMap<>((Map<String, Object>) r.get("metrics"));
            String ratio = "";
            if (baseline != null && metrics.get("samples_per_s") instanceof Number n && !"baseline-djl".equals(r.get("case"))
                    && String.valueOf(r.get("case")).startsWith("train")) {
                ratio = String.format(java.util.Locale.ROOT, "%.2f×", n.doubleValue() / baseline);
            }
            if (gflops != null && !metrics.containsKey("mfu_pct") && metrics.get("achieved_gflops") instanceof Number n) {
                metrics.put("mfu", String.format(java.util.Locale.ROOT, "%.0f%%", 100 * n.doubleValue() / gflops));
            }
            Object mmap = ((Map<String, Object>) r.getOrDefault("machine", Map.of())).get("malloc_mmap_threshold");
            String params = String.valueOf(r.get("params")) + (mmap != null ? " MALLOC_MMAP_THRESHOLD_=" + mmap : "");
            List<String> cells = new ArrayList<>();
            metrics.forEach((k, v) -> cells.add(k + " " + v));
            sb.append("| ").append(r.get("case")).append(" | ").append(params).append(" | ")
                    .append(String.join(", ", cells)).append(" | ").append(ratio).append(" | ")
                    .append(String.valueOf(r.get("date")), 0, Math.min(10, String.valueOf(r.get("date")).length())).append(" |\n");
        }
        return sb.toString();
    }
}
