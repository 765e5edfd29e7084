package io.finetune4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trace arithmetic: self time out of nested spans (libtorch), plain sums by op type (ONNX Runtime). */
class OpProfileTest {
    @TempDir
    Path tmp;

    @Test
    void nestedSpansCountOnlyTheirSelfTime() throws Exception {
        // thread 1: linear [0,100) calls addmm [10,90), which calls nothing; then gelu [100,130)
        // thread 2: addmm [0,50) at the same time
        String trace = "{\"traceEvents\": [" + x("aten::linear", 0, 100, 1) + "," + x("aten::addmm", 10, 80, 1) + "," + x("aten::gelu", 100, 30, 1)
                + "," + x("aten::addmm", 0, 50, 2) + ", {\"ph\": \"M\", \"name\": \"process_name\"}]}";
        Path f = tmp.resolve("torch.json");
        Files.writeString(f, trace);
        Map<String, Double> us = OpProfile.read(f);
        assertEquals(List.of("aten::addmm", "aten::gelu", "aten::linear"), List.copyOf(us.keySet()));
        assertEquals(130, us.get("aten::addmm"), 1e-9);
        assertEquals(30, us.get("aten::gelu"), 1e-9);
        assertEquals(20, us.get("aten::linear"), 1e-9);
        Map<String, Double> shares = OpProfile.shares(us, 1);
        assertEquals(Map.of("aten::addmm", 72.2, "other", 27.8), shares);
    }

    @Test
    void onnxRuntimeKernelsAddUpByOpType() throws Exception {
        String trace = "[{\"cat\": \"Session\", \"name\": \"model_run\", \"dur\": 1000},"
                + "{\"cat\": \"Node\", \"name\": \"MatMul_1_kernel_time\", \"dur\": 300, \"args\": {\"op_name\": \"MatMulInteger\"}},"
                + "{\"cat\": \"Node\", \"name\": \"MatMul_1_fence_before\", \"dur\": 5, \"args\": {\"op_name\": \"MatMulInteger\"}},"
                + "{\"cat\": \"Node\", \"name\": \"MatMul_2_kernel_time\", \"dur\": 200, \"args\": {\"op_name\": \"MatMulInteger\"}},"
                + "{\"cat\": \"Node\", \"name\": \"Softmax_kernel_time\", \"dur\": 100, \"args\": {\"op_name\": \"Softmax\"}}]";
        Path f = tmp.resolve("ort.json");
        Files.writeString(f, trace);
        assertEquals(Map.of("MatMulInteger", 500.0, "Softmax", 100.0), OpProfile.read(f));
    }

    private static String x(String name, double ts, double dur, int tid) throws Exception {
        return new ObjectMapper().writeValueAsString(Map.of("ph", "X", "name", name, "ts", ts, "dur", dur, "tid", tid, "pid", 1));
    }
}
