package io.finetune4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One benchmark case's outcome: its parameters, measured values (median/min/max of the headline
 * number and derived rates) and the machine line. Serialised as one JSON object per case.
 */
public record BenchResult(String name, Map<String, Object> params, Map<String, Object> metrics, Map<String, Object> machine,
        String date) {
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("case", name);
        m.put("date", date);
        m.put("params", params);
        m.put("metrics", metrics);
        m.put("machine", machine);
        return m;
    }
}
