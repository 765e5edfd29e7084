package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.io.BertTokenizerFiles;
import io.finetune4j.torch.Device;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** export onnx, and predict on --runtime onnx, on a tiny random checkpoint; bad input is one line and exit 2. */
class ExportOnnxCommandTest {
    @TempDir
    static Path tmp;
    static Path classifier;
    static Path exported;
    static final String[] TEXTS = {"I hate this movie", "i love this movie", "an ok film, with a long and winding plot"};

    @BeforeAll
    static void writeCheckpointAndExport() throws Exception {
        BertConfig config = new BertConfig(30522, 32, 2, 2, 64, "gelu", 0.1, 0.1, 64, 2, 0.2, 1e-12, 0, "absolute",
                null, Map.of(0, "negative", 1, "positive"), null, null, null, Map.of());
        classifier = tmp.resolve("classifier");
        try (BertForSequenceClassification model = BertForSequenceClassification.random(config, 5, Device.cpu())) {
            model.savePretrained(classifier);
        }
        writeTokenizer(classifier);
        exported = tmp.resolve("exported");
        String[] r = run("export", "onnx", "--model", classifier.toString(), "--output", exported.toString(), "--quantize", "int8");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("onnx/model_quantized.onnx"), r[1]);
    }

    static void writeTokenizer(Path dir) throws Exception {
        try (InputStream in = ExportOnnxCommandTest.class.getResourceAsStream("/tokenize/bert-base-uncased-vocab.txt")) {
            Files.write(dir.resolve("vocab.txt"), in.readAllBytes());
        }
        BertTokenizerFiles.write(dir, true, 512);
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    private static JsonNode predictJson(String model, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("predict", "--model", model, "--json", "--top_k", "0"));
        args.addAll(List.of(extra));
        args.addAll(List.of(TEXTS));
        String[] r = run(args.toArray(String[]::new));
        assertEquals("0", r[0], r[2]);
        return new ObjectMapper().readTree(r[1]);
    }

    @Test
    void predictOnOnnxMatchesDjl() throws Exception {
        JsonNode djl = predictJson(classifier.toString());
        JsonNode onnx = predictJson(exported.toString(), "--runtime", "onnx");
        JsonNode int8 = predictJson(exported.toString(), "--runtime", "onnx", "--quantized");
        for (int i = 0; i < TEXTS.length; i++) {
            assertEquals(djl.get(i).get(0).get("label").asText(), onnx.get(i).get(0).get("label").asText());
            assertEquals(djl.get(i).get(0).get("label").asText(), int8.get(i).get(0).get("label").asText());
            for (int j = 0; j < 2; j++) {
                assertEquals(djl.get(i).get(j).get("score").asDouble(), onnx.get(i).get(j).get("score").asDouble(), 1e-4);
                assertEquals(djl.get(i).get(j).get("score").asDouble(), int8.get(i).get(j).get("score").asDouble(), 0.02);
            }
        }
    }

    @Test
    void evaluateOnOnnxGivesTheDjlMetrics() throws Exception {
        TrainCommandTest.tinyCheckpointAndData();
        Path out = tmp.resolve("tiny-onnx");
        assertEquals("0", run("export", "onnx", "--model", TrainCommandTest.model.toString(), "--output", out.toString(), "--quantize", "int8")[0]);
        String data = TrainCommandTest.data.toString();
        JsonNode djl = evaluateJson(TrainCommandTest.model.toString(), data);
        JsonNode onnx = evaluateJson(out.toString(), data, "--runtime", "onnx");
        JsonNode int8 = evaluateJson(out.toString(), data, "--runtime", "onnx", "--quantized");
        assertEquals(djl.get("rows").asInt(), onnx.get("rows").asInt());
        assertEquals(djl.get("metrics").get("test_accuracy").asDouble(), onnx.get("metrics").get("test_accuracy").asDouble(), 1e-9);
        assertEquals(djl.get("metrics").get("test_loss").asDouble(), onnx.get("metrics").get("test_loss").asDouble(), 1e-4);
        assertEquals(djl.get("confusion_matrix"), onnx.get("confusion_matrix"));
        assertEquals(djl.get("metrics").get("test_accuracy").asDouble(), int8.get("metrics").get("test_accuracy").asDouble(), 0.05);
    }

    private static JsonNode evaluateJson(String model, String data, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("evaluate", "--model", model, "--dataset", data, "--split", "test",
                "--max_length", "64", "--json"));
        args.addAll(List.of(extra));
        String[] r = run(args.toArray(String[]::new));
        assertEquals("0", r[0], r[2]);
        return new ObjectMapper().readTree(r[1]);
    }

    @Test
    void helpListsEveryExportedFamily() {
        String[] r = run("export", "onnx", "--help");
        assertEquals("0", r[0], r[2]);
        for (String type : io.finetune4j.onnx.OnnxExporter.supportedModelTypes()) {
            assertTrue(r[1].contains(type), type + " missing from export onnx --help:\n" + r[1]);
        }
    }

    @Test
    void badInputIsOneLineExit2AndLeavesNoFolder() throws Exception {
        Path noWeights = Files.createDirectories(tmp.resolve("no-weights"));
        Files.copy(classifier.resolve("config.json"), noWeights.resolve("config.json"));
        writeTokenizer(noWeights);
        assertBadExport(noWeights, "model.safetensors");

        Path unknown = Files.createDirectories(tmp.resolve("unknown-family"));
        for (String f : List.of("model.safetensors", "vocab.txt", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(classifier.resolve(f), unknown.resolve(f));
        }
        Files.writeString(unknown.resolve("config.json"), Files.readString(classifier.resolve("config.json")).replace("\"bert\"", "\"gpt2\""));
        assertBadExport(unknown, "model_type 'gpt2'");

        assertBadExport(classifier, "--opset 12", "--opset", "12");

        // a truncated model.onnx
        Path truncated = copyExport("truncated");
        Path model = truncated.resolve("onnx/model.onnx");
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertBadPredict(truncated, "corrupt or truncated", "--runtime", "onnx");

        // --quantized without model_quantized.onnx
        Path floatOnly = copyExport("float-only");
        Files.delete(floatOnly.resolve("onnx/model_quantized.onnx"));
        assertBadPredict(floatOnly, "--quantize int8", "--runtime", "onnx", "--quantized");

        // --runtime onnx on a checkpoint that was never exported
        assertBadPredict(classifier, "export onnx", "--runtime", "onnx");
    }

    private static Path copyExport(String name) throws Exception {
        Path dir = tmp.resolve(name);
        try (Stream<Path> files = Files.walk(exported)) {
            for (Path p : files.toList()) {
                Path target = dir.resolve(exported.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return dir;
    }

    private static void assertBadExport(Path model, String expected, String... extra) throws Exception {
        Path out = tmp.resolve("out-" + model.getFileName() + extra.length);
        List<String> args = new java.util.ArrayList<>(List.of("export", "onnx", "--model", model.toString(), "--output", out.toString()));
        args.addAll(List.of(extra));
        String[] r = run(args.toArray(String[]::new));
        assertEquals("2", r[0], r[1] + r[2]);
        assertEquals(1, r[2].strip().split("\\R").length, r[2]);
        assertTrue(r[2].contains(expected), r[2]);
        assertFalse(Files.exists(out), "no output folder after a failed export");
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertTrue(siblings.noneMatch(p -> p.getFileName().toString().startsWith(".tmp-")), "no temporary folder left");
        }
    }

    private static void assertBadPredict(Path model, String expected, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("predict", "--model", model.toString()));
        args.addAll(List.of(extra));
        args.add("some text");
        String[] r = run(args.toArray(String[]::new));
        assertEquals("2", r[0], r[1] + r[2]);
        assertEquals(1, r[2].strip().split("\\R").length, r[2]);
        assertTrue(r[2].contains(expected), r[2]);
    }
}
