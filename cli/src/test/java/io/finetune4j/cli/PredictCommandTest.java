package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForMaskedLM;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.io.BertTokenizerFiles;
import io.finetune4j.torch.Device;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** predict and fill-mask on tiny random checkpoints written by the test. */
class PredictCommandTest {
    @TempDir
    static Path tmp;
    static Path classifier;
    static Path mlm;

    @BeforeAll
    static void writeCheckpoints() throws Exception {
        BertConfig config = new BertConfig(30522, 32, 2, 2, 64, "gelu", 0.1, 0.1, 64, 2, 0.2, 1e-12, 0, "absolute",
                null, BertConfig.defaultLabels(2), null, null, null, Map.of());
        classifier = tmp.resolve("classifier");
        try (BertForSequenceClassification model = BertForSequenceClassification.random(config, 5, Device.cpu())) {
            model.savePretrained(classifier);
        }
        mlm = tmp.resolve("mlm");
        try (BertForMaskedLM model = BertForMaskedLM.random(config, 6, Device.cpu())) {
            model.savePretrained(mlm);
        }
        for (Path dir : List.of(classifier, mlm)) {
            try (InputStream in = PredictCommandTest.class.getResourceAsStream("/tokenize/bert-base-uncased-vocab.txt")) {
                Files.write(dir.resolve("vocab.txt"), in.readAllBytes());
            }
            BertTokenizerFiles.write(dir, true, 512);
        }
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void printsATableWithLabelNames() {
        String[] r = run("predict", "--model", classifier.toString(), "--labels", "negative,positive", "I hate this movie", "i love this movie");
        assertEquals("0", r[0], r[2]);
        String[] lines = r[1].strip().split("\\R");
        assertEquals(3, lines.length, r[1]);
        assertTrue(lines[0].matches("\\s*#\\s+label\\s+score\\s+text"), lines[0]);
        assertTrue(lines[1].matches("\\s*0\\s+(negative|positive)\\s+0\\.\\d{4}\\s+I hate this movie"), lines[1]);
        assertTrue(lines[2].matches("\\s*1\\s+(negative|positive)\\s+0\\.\\d{4}\\s+i love this movie"), lines[2]);
    }

    @Test
    void printsJsonInHfShape() throws Exception {
        String[] r = run("predict", "--model", classifier.toString(), "--top_k", "0", "--json", "I hate this movie", "i love this movie");
        assertEquals("0", r[0], r[2]);
        JsonNode json = new ObjectMapper().readTree(r[1]);
        assertEquals(2, json.size());
        for (JsonNode text : json) {
            assertEquals(2, text.size());
            assertEquals(1.0, text.get(0).get("score").asDouble() + text.get(1).get("score").asDouble(), 1e-9);
            assertTrue(text.get(0).get("label").asText().startsWith("LABEL_"));
        }
    }

    @Test
    void writesJsonlAndCsvFromFileAndStdin() throws Exception {
        Path input = tmp.resolve("texts.txt");
        Files.writeString(input, "I hate this movie\n\ni love this movie, \"really\"\n");
        Path jsonl = tmp.resolve("out.jsonl");
        String[] r = run("predict", "--model", classifier.toString(), "--file", input.toString(), "--output", jsonl.toString(),
                "--stride", "8", "--max_length", "16");
        assertEquals("0", r[0], r[2]);
        List<String> rows = Files.readAllLines(jsonl);
        assertEquals(2, rows.size(), "blank lines are skipped");
        JsonNode first = new ObjectMapper().readTree(rows.get(0));
        assertEquals("I hate this movie", first.get("text").asText());
        assertEquals(1, first.get("windows").asInt());
        assertEquals(first.get("score").asDouble(), first.get("scores").get(0).get("score").asDouble(), 0);

        InputStream stdin = System.in;
        Path csv = tmp.resolve("out.csv");
        try {
            System.setIn(new ByteArrayInputStream("I hate this movie\ni love this movie, \"really\"\n".getBytes(StandardCharsets.UTF_8)));
            r = run("predict", "--model", classifier.toString(), "--top_k", "2", "--output", csv.toString());
        } finally {
            System.setIn(stdin);
        }
        assertEquals("0", r[0], r[2]);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("index,text,rank,label,score,windows", lines.get(0));
        assertEquals(5, lines.size());
        assertTrue(lines.get(3).startsWith("1,\"i love this movie, \"\"really\"\"\",1,LABEL_"), lines.get(3));
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        String[] missing = run("predict", "--model", tmp.resolve("nope").toString(), "x");
        assertEquals("2", missing[0]);
        assertEquals(1, missing[2].strip().split("\\R").length, missing[2]);
        assertTrue(missing[2].contains("nope"), missing[2]);

        String[] labels = run("predict", "--model", classifier.toString(), "--labels", "a,b,c", "x");
        assertEquals("2", labels[0]);
        assertTrue(labels[2].contains("num_labels 2"), labels[2]);

        Path empty = Files.writeString(tmp.resolve("empty.txt"), "\n\n");
        String[] none = run("predict", "--model", classifier.toString(), "--file", empty.toString());
        assertEquals("2", none[0]);
        assertTrue(none[2].startsWith("error: no texts to classify"), none[2]);

        String[] extension = run("predict", "--model", classifier.toString(), "--output", tmp.resolve("out.txt").toString(), "x");
        assertEquals("2", extension[0]);
    }

    @Test
    void fillMaskPrintsHfFields() throws Exception {
        String[] table = run("fill-mask", "--model", mlm.toString(), "--top_k", "3", "Hello I'm a [MASK] model.");
        assertEquals("0", table[0], table[2]);
        assertEquals(5, table[1].strip().split("\\R").length, table[1]);
        String[] one = run("fill-mask", "--model", mlm.toString(), "--json", "Hello I'm a [MASK] model.");
        assertEquals("0", one[0], one[2]);
        JsonNode json = new ObjectMapper().readTree(one[1]);
        assertEquals(5, json.size());
        for (String field : List.of("score", "token", "token_str", "sequence")) {
            assertTrue(json.get(0).has(field), field);
        }
        JsonNode two = new ObjectMapper().readTree(run("fill-mask", "--model", mlm.toString(), "--json", "--top_k", "2", "[MASK] and [MASK]")[1]);
        assertEquals(2, two.size());
        assertEquals(2, two.get(1).size());
        assertTrue(two.get(1).get(0).has("token_str"));
        String[] noMask = run("fill-mask", "--model", mlm.toString(), "no mask");
        assertEquals("2", noMask[0]);
    }
}
