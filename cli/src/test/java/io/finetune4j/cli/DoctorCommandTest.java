package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.util.Devices;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** doctor says which libtorch loaded (path, flavor, version, where from), offline mode, GPUs, and what to do without one. */
class DoctorCommandTest {
    @TempDir
    Path tmp;

    static JsonNode doctorJson(String out) throws Exception {
        return new ObjectMapper().readTree(out);
    }

    @Test
    void reportsTheBundledCpuLibtorchAndHowToGetACudaOne() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "doctor", "--json");
        assertEquals(0, code, err.toString());
        JsonNode json = doctorJson(out.toString());
        JsonNode libtorch = json.get("libtorch");
        assertEquals("cpu", libtorch.get("flavor").asText(), out.toString());
        assertTrue(libtorch.get("version").asText().startsWith("2.7.1"), out.toString());
        assertTrue(libtorch.get("source").asText().startsWith("bundled jar (ai.djl.pytorch:pytorch-native-cpu"), out.toString());
        assertTrue(libtorch.get("bundled_on_classpath").asBoolean());
        assertTrue(Files.isRegularFile(Path.of(libtorch.get("path").asText()).resolve(System.mapLibraryName("torch"))), out.toString());
        assertTrue(json.get("offline").asBoolean(), "tests run offline: " + out);
        assertEquals(0, libtorch.get("gpus_usable").asInt(), "the CPU build uses no GPU");
        String hints = libtorch.get("hints").toString();
        assertTrue(hints.contains("FINETUNE4J_ALLOW_DOWNLOAD=1") && hints.contains("PYTORCH_LIBRARY_PATH"), hints);

        StringWriter text = new StringWriter();
        assertEquals(0, Main.run(new PrintWriter(text, true), new PrintWriter(new StringWriter(), true), "doctor"));
        assertTrue(text.toString().contains("libtorch   cpu, 2.7.1"), text.toString());
        assertTrue(text.toString().contains("hint: "), text.toString());
    }

    /**
     * PYTORCH_LIBRARY_PATH to a local libtorch 2.7.1 (here: the CPU build's files, linked into a folder of
     * their own, as a CUDA install's lib folder would be): DJL loads it, offline, without PYTORCH_FLAVOR
     * (finetune4j names the flavor from the folder; DJL 0.36 alone would look for a cpu-precxx11 JNI it lacks).
     */
    @Test
    void loadsALocalLibtorchFromPytorchLibraryPath() throws Exception {
        Devices.engine();
        Path bundled = Path.of(ai.djl.pytorch.jni.LibUtils.getLibtorchPath());
        Path lib = Files.createDirectories(tmp.resolve("libtorch/lib"));
        try (Stream<Path> files = Files.list(bundled)) {
            for (Path f : files.filter(f -> !f.getFileName().toString().contains("djl_torch")).toList()) {
                Files.createSymbolicLink(lib.resolve(f.getFileName()), f);
            }
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "doctor", "--json"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("PYTORCH_LIBRARY_PATH", lib.toString());
        pb.environment().remove("PYTORCH_FLAVOR");
        pb.environment().put("ENGINE_CACHE_DIR", tmp.resolve("engine-cache").toString()); // DJL extracts its JNI library here
        Path out = tmp.resolve("out.json");
        Path err = tmp.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES));
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), stdout + Files.readString(err, StandardCharsets.UTF_8));
        JsonNode libtorch = doctorJson(stdout).get("libtorch");
        assertEquals("PYTORCH_LIBRARY_PATH", libtorch.get("source").asText(), stdout);
        assertEquals(lib.toString(), libtorch.get("path").asText(), stdout);
        assertEquals("cpu", libtorch.get("flavor").asText(), stdout);
        assertFalse(Files.exists(tmp.resolve("engine-cache/pytorch/" + libtorch.get("version").asText() + "-cpu-precxx11-linux-x86_64")));
    }
}
