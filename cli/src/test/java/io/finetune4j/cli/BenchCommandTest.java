package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.torch.Device;
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
        MainTest.Result gemm = MainTest.run("bench", "gemm", "--gemm", "256,256,256", "--repeat", "2", "--json");
        assertEquals(0, gemm.code(), gemm.err());
        Map<String, Object> g = new ObjectMapper().readValue(gemm.out().strip(), Map.class);
        assertEquals("gemm", g.get("case"));
        assertTrue(((Number) ((Map<String, Object>) g.get("metrics")).get("gflops")).doubleValue() > 0);
        assertEquals(io.finetune4j.torch.Torch.version(), ((Map<String, Object>) g.get("machine")).get("pytorch"));
        // --fp16 adds the same matmul in float16 (what fp16 MFU divides by)
        MainTest.Result half = MainTest.run("bench", "gemm", "--gemm", "16,16,16", "--repeat", "1", "--json", "--fp16");
        assertEquals(0, half.code(), half.err());
        String[] halfLines = half.out().strip().split("\n");
        assertEquals(2, halfLines.length, half.out());
        assertEquals("float16", ((Map<String, Object>) new ObjectMapper().readValue(halfLines[1], Map.class).get("params")).get("dtype"));
        // --bf16 adds it in bfloat16 (what bf16 MFU divides by)
        MainTest.Result brain = MainTest.run("bench", "gemm", "--gemm", "16,16,16", "--repeat", "1", "--json", "--bf16");
        assertEquals(0, brain.code(), brain.err());
        String[] brainLines = brain.out().strip().split("\n");
        assertEquals(2, brainLines.length, brain.out());
        assertEquals("bfloat16", ((Map<String, Object>) new ObjectMapper().readValue(brainLines[1], Map.class).get("params")).get("dtype"));

        // DJL's own BertBlock baseline went with DJL's engine: the case is unknown now, in one line
        MainTest.Result djl = MainTest.run("bench", "baseline-djl");
        assertEquals(Main.BAD_INPUT, djl.code(), djl.err());

        MainTest.Result forward = MainTest.run("bench", "forward", "--size", "tiny", "--batch_size", "4", "--seq_len", "16",
                "--warmup", "0", "--repeat", "1", "--json");
        assertEquals(0, forward.code(), forward.err());
        Path jsonl = dir.resolve("results.jsonl");
        Files.writeString(jsonl, gemm.out() + forward.out());
        MainTest.Result report = MainTest.run("bench", "report", jsonl.toString());
        assertEquals(0, report.code(), report.err());
        assertTrue(report.out().startsWith("Machine: "), report.out());
        assertTrue(report.out().contains("| gemm |") && report.out().contains("| forward |"), report.out());
    }

    @Test
    @SuppressWarnings("unchecked")
    void modelCasesRunOnTinyConfigs() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        MainTest.Result forward = MainTest.run("bench", "forward", "--size", "tiny", "--batch_size", "4", "--seq_len", "16",
                "--warmup", "0", "--repeat", "1", "--json");
        assertEquals(0, forward.code(), forward.err());
        Map<String, Object> f = mapper.readValue(forward.out().strip(), Map.class);
        Map<String, Object> fm = (Map<String, Object>) f.get("metrics");
        assertEquals("forward", f.get("case"));
        assertTrue(((Number) fm.get("sequences_per_s")).doubleValue() > 0, forward.out());
        assertTrue(((Number) fm.get("mfu_pct")).doubleValue() > 0, forward.out());
        assertEquals(4, ((Map<String, Object>) f.get("params")).get("batch_size"));

        // --fp16 adds a second line: the same step as fp16=true runs it.
        MainTest.Result train = MainTest.run("bench", "train-step", "--size", "tiny", "--num_hidden_layers", "1", "--batch_size", "2",
                "--seq_len", "8", "--warmup", "0", "--repeat", "2", "--json", "--fp16");
        assertEquals(0, train.code(), train.err());
        String[] lines = train.out().strip().split("\n");
        assertEquals(2, lines.length, train.out());
        Map<String, Object> t = mapper.readValue(lines[0], Map.class);
        Map<String, Object> tm = (Map<String, Object>) t.get("metrics");
        assertEquals(1, ((Map<String, Object>) t.get("params")).get("num_hidden_layers"));
        assertTrue(((Number) tm.get("samples_per_s")).doubleValue() > 0, train.out());
        assertTrue(((Number) tm.get("peak_rss_mib")).longValue() > 0, train.out());
        assertTrue(Double.isFinite(((Number) tm.get("loss")).doubleValue()), train.out());
        Map<String, Object> halfLine = mapper.readValue(lines[1], Map.class);
        Map<String, Object> half = (Map<String, Object>) halfLine.get("metrics");
        assertEquals("float16", ((Map<String, Object>) halfLine.get("params")).get("dtype"));
        assertTrue(((Number) half.get("samples_per_s")).doubleValue() > 0, lines[1]);
        assertTrue(Math.abs(((Number) half.get("loss")).doubleValue() - ((Number) tm.get("loss")).doubleValue()) < 0.1, train.out());

        // --bf16 adds a line: the same step as bf16=true runs it, MFU against a bfloat16 matmul.
        MainTest.Result bf16 = MainTest.run("bench", "train-step", "--size", "tiny", "--num_hidden_layers", "1", "--batch_size", "2",
                "--seq_len", "8", "--warmup", "0", "--repeat", "2", "--json", "--bf16");
        assertEquals(0, bf16.code(), bf16.err());
        String[] bLines = bf16.out().strip().split("\n");
        assertEquals(2, bLines.length, bf16.out());
        Map<String, Object> bLine = mapper.readValue(bLines[1], Map.class);
        Map<String, Object> bm = (Map<String, Object>) bLine.get("metrics");
        assertEquals("bfloat16", ((Map<String, Object>) bLine.get("params")).get("dtype"));
        assertTrue(((Number) bm.get("gemm_best_gflops")).doubleValue() > 0, bLines[1]);
        double mfu = ((Number) bm.get("mfu_pct")).doubleValue(); // about 0 at this size (rounded to 0.01)
        assertTrue(mfu >= 0 && mfu <= 100, bLines[1]);
        assertTrue(Math.abs(((Number) bm.get("loss")).doubleValue() - ((Number) tm.get("loss")).doubleValue()) < 0.1, bf16.out());

        MainTest.Result memory = MainTest.run("bench", "memory", "--steps", "20", "--batch_size", "2", "--seq_len", "8", "--json");
        assertEquals(0, memory.code(), memory.err());
        Map<String, Object> mm = (Map<String, Object>) mapper.readValue(memory.out().strip(), Map.class).get("metrics");
        assertTrue(((Number) mm.get("rss_mib_at_step_20")).longValue() > 0, memory.out());
        assertTrue(mm.containsKey("rss_growth_pct"), memory.out());

        MainTest.Result text = MainTest.run("bench", "forward", "--size", "tiny", "--batch_size", "2", "--seq_len", "8", "--repeat", "1");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().startsWith("forward {model=tiny") && text.out().contains("  machine: "), text.out());
    }

    @Test
    @SuppressWarnings("unchecked")
    void forwardRunsOnASavedModelFolderCutToFewerLayers() throws Exception {
        Path saved = dir.resolve("tiny-bert");
        try (BertForSequenceClassification m = BertForSequenceClassification.random(BertConfig.tiny(), 1, Device.cpu())) {
            m.savePretrained(saved);
        }
        MainTest.Result r = MainTest.run("bench", "forward", "--model", saved.toString(), "--num_hidden_layers", "1",
                "--batch_size", "2", "--seq_len", "8", "--repeat", "1", "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> params = (Map<String, Object>) new ObjectMapper().readValue(r.out().strip(), Map.class).get("params");
        assertEquals(saved.toString(), params.get("model"));
        assertEquals(1, params.get("num_hidden_layers"));
        assertEquals(Main.BAD_INPUT, MainTest.run("bench", "forward", "--model", saved.toString(), "--size", "tiny").code());
    }

    @Test
    void badArgumentsExitTwo() {
        assertEquals(Main.BAD_INPUT, MainTest.run("bench", "gemm", "--gemm", "1,2").code());
        assertEquals(Main.BAD_INPUT, MainTest.run("bench", "gemmm").code());
        assertEquals(Main.BAD_INPUT, MainTest.run("bench", "report", dir.resolve("none.jsonl").toString()).code());
        assertEquals(Main.BAD_INPUT, MainTest.run("bench", "forward", "--size", "tiny", "--seq_len", "65").code());
        assertEquals(Main.BAD_INPUT, MainTest.run("bench", "train-step", "--size", "huge").code());
        assertEquals(Main.BAD_INPUT, MainTest.run("bench", "forward", "--size", "tiny", "--num_hidden_layers", "0").code());
        assertEquals(Main.BAD_INPUT, MainTest.run("bench", "memory", "--steps", "5").code());
    }
}
