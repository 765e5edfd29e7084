package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFetchCommandTest {
    @TempDir
    Path dir;

    @Test
    void reportsAModelFolder() throws IOException {
        Path model = Files.createDirectories(dir.resolve("m"));
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("a", Tensor.ofFloats(new long[] {2}, new float[] {1, 2}));
        t.put("b", Tensor.ofFloats(new long[] {1}, new float[] {3}));
        SafeTensors.write(model.resolve(SafeTensors.SINGLE_FILE), t, Map.of());
        StringWriter out = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "model", "fetch", model.toString(), "--json");
        assertEquals(Main.OK, code);
        assertTrue(out.toString().contains("\"tensors\" : 2"), out.toString());
        assertTrue(out.toString().contains("\"fetched\" : false"), out.toString());
    }

    @Test
    void anUnknownModelIsExitCode2WithOneLine() {
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "model", "fetch", dir.resolve("missing").toString());
        assertEquals(Main.BAD_INPUT, code);
        assertTrue(err.toString().contains("neither an existing folder nor a known model name"), err.toString());
        assertEquals(1, err.toString().strip().lines().count());
    }
}
