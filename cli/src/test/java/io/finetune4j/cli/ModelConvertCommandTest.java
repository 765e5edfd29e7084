package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.TorchSaveFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConvertCommandTest {
    @TempDir
    Path dir;

    @Test
    void convertsPytorchModelBinToSafetensors() throws Exception {
        new TorchSaveFiles().floats("0", 1, 2, 3, 4).tensor("bert.w", "0", 0, 2, 2).write(dir.resolve("pytorch_model.bin"));
        StringWriter out = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "model", "convert", dir.toString(), "--json");
        assertEquals(Main.OK, code, out.toString());
        assertTrue(out.toString().contains("\"written\" : true"), out.toString());
        assertArrayEquals(new float[] {1, 2, 3, 4}, SafeTensors.read(dir.resolve(SafeTensors.SINGLE_FILE)).get("bert.w").toFloats());
    }

    @Test
    void aMaliciousOrTruncatedFileIsExit2OneLineAndNothingWritten() throws Exception {
        TorchSaveFiles.Pickler p = new TorchSaveFiles.Pickler().proto2();
        p.global("os", "system");
        p.unicode("echo pwned");
        p.op(0x85).op('R').op('.');
        new TorchSaveFiles().write(dir.resolve("pytorch_model.bin"), p.bytes());
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "model", "convert", dir.toString());
        assertEquals(Main.BAD_INPUT, code);
        assertTrue(err.toString().contains("os.system"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertFalse(Files.exists(dir.resolve(SafeTensors.SINGLE_FILE)));

        byte[] good = Files.readAllBytes(new TorchSaveFiles().floats("0", 1, 2).tensor("w", "0", 0, 2).write(dir.resolve("pytorch_model.bin")));
        Files.write(dir.resolve("pytorch_model.bin"), Arrays.copyOf(good, good.length - 40));
        StringWriter err2 = new StringWriter();
        assertEquals(Main.BAD_INPUT, Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err2), "model", "convert", dir.toString()));
        assertEquals(1, err2.toString().strip().lines().count(), err2.toString());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "nothing written next to the broken file");
        }
    }
}
