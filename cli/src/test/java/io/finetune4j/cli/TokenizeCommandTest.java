package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizeCommandTest {
    @TempDir
    Path tmp;

    private Path bertFolder() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bert"));
        try (InputStream in = getClass().getResourceAsStream("/tokenize/bert-base-uncased-vocab.txt")) {
            Files.write(dir.resolve("vocab.txt"), in.readAllBytes());
        }
        return dir;
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void printsATable() throws Exception {
        String[] r = run("tokenize", "--model", bertFolder().toString(), "--max_length", "6", "--padding", "max_length", "Hello world");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("text 0: Hello world (6 tokens)"), r[1]);
        assertTrue(r[1].matches("(?s).*\\[CLS\\]\\s+101\\s+0\\s+1.*"), r[1]);
        assertTrue(r[1].matches("(?s).*\\[PAD\\]\\s+0\\s+0\\s+0.*"), r[1]);
    }

    @Test
    void printsJsonWithHfKeys() throws Exception {
        String[] r = run("tokenize", "--model", bertFolder().toString(), "--truncation", "--max_length", "4", "--json", "one two three four", "hi");
        assertEquals("0", r[0], r[2]);
        JsonNode json = new ObjectMapper().readTree(r[1]);
        assertEquals(2, json.size());
        assertEquals("[101,2028,2048,102]", json.get(0).get("input_ids").toString());
        assertEquals("[\"[CLS]\",\"one\",\"two\",\"[SEP]\"]", json.get(0).get("tokens").toString());
        assertEquals(3, json.get(1).get("attention_mask").size());
    }

    @Test
    void badFolderOrPaddingIsExitTwo() throws Exception {
        String[] missing = run("tokenize", "--model", tmp.resolve("nope").toString(), "x");
        assertEquals("2", missing[0]);
        assertTrue(missing[2].startsWith("error: tokenizer folder"), missing[2]);
        String[] padding = run("tokenize", "--model", bertFolder().toString(), "--padding", "sideways", "x");
        assertEquals("2", padding[0]);
        assertTrue(padding[2].contains("sideways"), padding[2]);
    }
}
