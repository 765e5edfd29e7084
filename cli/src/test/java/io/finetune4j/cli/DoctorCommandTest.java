package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/** doctor says which libtorch natives loaded (JavaCPP's jar, where), GPUs, native bf16, and what to do when libtorch cannot load. */
class DoctorCommandTest {
    @TempDir
    Path tmp;

    static JsonNode doctorJson(String out) throws Exception {
        return new ObjectMapper().readTree(out);
    }

    @Test
    void reportsJavaCppsCpuNativesDevicesAndNativeBf16() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "doctor", "--json");
        assertEquals(0, code, err.toString());
        JsonNode json = doctorJson(out.toString());
        JsonNode libtorch = json.get("libtorch");
        assertTrue(libtorch.get("version").asText().startsWith("2.10"), out.toString());
        assertEquals("linux-x86_64", libtorch.get("natives").asText(), "the default build carries the CPU natives: " + out);
        assertTrue(Files.isRegularFile(Path.of(libtorch.get("library").asText())), out.toString());
        assertTrue(Files.isDirectory(Path.of(libtorch.get("javacpp_cache").asText())), out.toString());
        assertTrue(json.get("offline").asBoolean(), "tests run offline: " + out);
        assertEquals(0, libtorch.get("gpus_usable").asInt(), "the CPU build uses no GPU");
        assertEquals("cpu", json.get("default_device").asText());
        // native bf16 as /proc/cpuinfo's flags say
        List<String> flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("flags")).findFirst()
                .map(l -> List.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))).orElse(List.of());
        List<String> expected = Stream.of("avx512_bf16", "amx_bf16").filter(flags::contains).toList();
        List<String> reported = new ArrayList<>();
        json.get("cpu_bf16").forEach(n -> reported.add(n.asText()));
        assertEquals(expected, reported);
        String hints = libtorch.get("hints").toString();
        assertTrue(hints.contains("bfloat16"), hints);
        if (!Files.isDirectory(Path.of("/proc/driver/nvidia/gpus"))) {
            assertTrue(hints.contains("no NVIDIA GPU visible"), hints);
        }

        StringWriter text = new StringWriter();
        assertEquals(0, Main.run(new PrintWriter(text, true), new PrintWriter(new StringWriter(), true), "doctor"));
        assertTrue(text.toString().contains("libtorch   2.10"), text.toString());
        assertTrue(text.toString().contains("natives linux-x86_64"), text.toString());
        assertTrue(text.toString().contains("hint: "), text.toString());
    }

    /** A JavaCPP cache that cannot be written: libtorch cannot load; doctor says so in one line, with what to do, exit 1. */
    @Test
    void anUnwritableNativesCacheIsOneClearLine() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dorg.bytedeco.javacpp.cachedir=" + file.resolve("cache"), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "doctor"));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES));
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue(), stdout + stderr);
        assertTrue(stdout.contains("libtorch   not loaded"), stdout);
        assertTrue(stdout.contains("must be writable"), stdout);
        assertEquals(List.of("error: libtorch did not load (see the hints above)"), stderr.lines().filter(l -> !l.isBlank()).toList(), stderr);
        assertFalse(stderr.contains("Exception"), stderr);
    }
}
