package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench command on tiny configurations: it runs, reports its machine, and renders Markdown. No timing asserts. */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void tinyCasesRunAndRenderAReport() throws Exception {
        MainTest.Result gemm = MainTest.run("bench", "gemm", "--gemm", "64,32,48", "--repeat", "2", "--json");
        assertEquals(0, gemm.code(), gemm.err());
        Map<String, Object> g = new ObjectMapper().readValue(gemm.out().strip(), Map.class);
        assertEquals("gemm", g.get("case"));
        assertTrue(((Number) ((Map<String, Object>) g.get("metrics")).get("gflops")).doubleValue() > 0);
        assertEquals("2.7.1", ((Map<String, Object>) g.get("machine")).get("pytorch"));

        MainTest.Result djl = MainTest.run("bench", "baseline-djl", "--size", "tiny", "--batch_size", "4", "--seq_len", "16",
                "--warmup", "0", "--repeat", "1", "--json");
        assertEquals(0, djl.code(), djl.err());
        assertTrue(djl.out().contains("\"samples_per_s\""), djl.out());

        Path jsonl = dir.resolve("results.jsonl");
        Files.writeString(jsonl, gemm.out() + djl.out());
        MainTest.Result report = MainTest.run("bench", "report", jsonl.toString());
        assertEquals(0, report.code(), report.err());
        assertTrue(report.out().startsWith("Machine: "), report.out());
        assertTrue(report.out().contains("| gemm |") && report.out().contains("| baseline-djl |"), report.out());
    }

    @Test
    void badArgumentsExitTwo() {
        assertEquals(Main.BAD_INPUT, MainTest.run("bench", "gemm", "--gemm", "1,2").code());
        assertEquals(Main.BAD_INPUT, MainTest.run("bench", "gemmm").code());
        assertEquals(Main.BAD_INPUT, MainTest.run("bench", "report", dir.resolve("none.jsonl").toString()).code());
    }
}
