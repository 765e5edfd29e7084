package io.finetune4j.data;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code finetune4j data} command on a real folder the test writes. */
class DataCommandTest {
    @TempDir
    Path tmp;

    private String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void showPrintsSummaryRowsAndJson() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("d"));
        Files.writeString(dir.resolve("train.csv"), "text,label\nA long review here,pos\nbad,neg\n");
        Files.writeString(dir.resolve("test.csv"), "text,label\nok,pos\n");
        String[] r = run("data", "show", dir.toString(), "--rows", "1");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("DatasetDict({\n    train: Dataset({\n        features: ['text', 'label'],\n        num_rows: 2\n"), r[1]);
        assertTrue(r[1].contains("train[0] {'text': 'A long review here', 'label': 1}"), r[1]);

        r = run("data", "show", dir.toString(), "--split", "train[:1]", "--json");
        assertEquals("0", r[0], r[2]);
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r[1]);
        assertEquals(1, json.path("splits").path("train").path("num_rows").asInt());
        assertEquals("ClassLabel", json.path("splits").path("train").path("features").path("label").path("_type").asText());
        assertFalse(json.path("splits").has("test"));
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        String[] r = run("data", "show", tmp.resolve("missing").toString());
        assertEquals("2", r[0]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
        assertTrue(r[2].contains(tmp.resolve("missing").toString()), r[2]);
        r = run("data", "fetch", "mnist");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("unknown data set 'mnist'"), r[2]);
    }
}
