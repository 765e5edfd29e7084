package io.finetune4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a runtime's time goes, by operator: the traces the runtimes' own profilers write, summed by op type.
 * ONNX Runtime's profile (a JSON array; one "Node" event per kernel run, its op type in {@code args.op_name})
 * has no nesting, so durations add up. libtorch's (a chrome trace: "X" events per op, nested, such as
 * {@code aten::linear} around {@code aten::addmm}) is reduced to each op's self time: its duration less
 * that of the ops it called on the same thread.
 */
final class OpProfile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OpProfile() {}

    /** Microseconds per op type, largest first. */
    static Map<String, Double> read(Path trace) throws IOException {
        JsonNode root = JSON.readTree(trace.toFile());
        JsonNode events = root.isArray() ? root : root.path("traceEvents");
        boolean ort = false;
        for (JsonNode e : events) {
            if (e.path("cat").asText().equals("Node")) {
                ort = true;
                break;
            }
        }
        return sorted(ort ? onnxRuntime(events) : selfTimes(events));
    }

    private static Map<String, Double> onnxRuntime(JsonNode events) {
        Map<String, Double> us = new HashMap<>();
        for (JsonNode e : events) {
            if (e.path("cat").asText().equals("Node") && e.path("name").asText().endsWith("_kernel_time")) {
                us.merge(e.path("args").path("op_name").asText("?"), e.path("dur").asDouble(), Double::sum);
            }
        }
        return us;
    }

    private record Span(String name, double start, double end, long tid) {}

    /** Self time per op name from nested complete ("X") events. */
    static Map<String, Double> selfTimes(JsonNode events) {
        List<Span> spans = new ArrayList<>();
        for (JsonNode e : events) {
            if (e.path("ph").asText().equals("X") && e.has("dur")) {
                double ts = e.path("ts").asDouble();
                spans.add(new Span(e.path("name").asText("?"), ts, ts + e.path("dur").asDouble(), e.path("tid").asLong()));
            }
        }
        // per thread, by start; a longer span first when two start together, so it is the parent
        spans.sort(Comparator.comparingLong(Span::tid).thenComparingDouble(Span::start).thenComparingDouble(s -> -s.end()));
        Map<String, Double> self = new HashMap<>();
        Deque<double[]> open = new ArrayDeque<>(); // {end, childTime} of the spans around the current one
        Deque<String> names = new ArrayDeque<>();
        long tid = Long.MIN_VALUE;
        for (Span s : spans) {
            if (s.tid() != tid) {
                closeAll(open, names, self, Double.POSITIVE_INFINITY);
                tid = s.tid();
            }
            closeAll(open, names, self, s.start());
            if (!open.isEmpty()) {
                open.peek()[1] += s.end() - s.start();
            }
            open.push(new double[] {s.end(), 0, s.end() - s.start()});
            names.push(s.name());
        }
        closeAll(open, names, self, Double.POSITIVE_INFINITY);
        return self;
    }

    private static void closeAll(Deque<double[]> open, Deque<String> names, Map<String, Double> self, double before) {
        while (!open.isEmpty() && open.peek()[0] <= before) {
            double[] o = open.pop();
            self.merge(names.pop(), Math.max(0, o[2] - o[1]), Double::sum);
        }
    }

    private static Map<String, Double> sorted(Map<String, Double> us) {
        Map<String, Double> out = new LinkedHashMap<>();
        us.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** The top {@code n} op types as percent of all op time, the rest summed as "other". */
    static Map<String, Double> shares(Map<String, Double> us, int n) {
        double total = us.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> out = new LinkedHashMap<>();
        if (total <= 0) {
            return out;
        }
        double rest = 0;
        int i = 0;
        for (Map.Entry<String, Double> e : us.entrySet()) {
            if (i++ < n) {
                out.put(e.getKey(), Math.round(1000 * e.getValue() / total) / 10.0);
            } else {
                rest += e.getValue();
            }
        }
        if (rest > 0) {
            out.put("other", Math.round(1000 * rest / total) / 10.0);
        }
        return out;
    }
}
