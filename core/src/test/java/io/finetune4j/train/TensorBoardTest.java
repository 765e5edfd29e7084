package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorBoardTest {
    @TempDir
    Path tmp;

    /** A decoded Event: step, file_version, scalar tag → value. */
    record Event(double wallTime, long step, String fileVersion, Map<String, Float> scalars) {}

    @Test
    void eventFileRoundTripsThroughAnIndependentReader() throws IOException {
        Map<String, Object> trainLog = new LinkedHashMap<>();
        trainLog.put("loss", 0.3421);
        trainLog.put("grad_norm", 2.5);
        trainLog.put("learning_rate", 1.6e-5);
        trainLog.put("epoch", 1.0);
        Map<String, Object> evalLog = new LinkedHashMap<>();
        evalLog.put("eval_loss", 0.241491);
        evalLog.put("eval_accuracy", 0.89964);
        Path file;
        try (TensorBoardWriter w = new TensorBoardWriter(tmp)) {
            w.scalars(782, TensorBoardLogger.tags(trainLog));
            w.scalars(782, TensorBoardLogger.tags(evalLog));
            file = w.file();
        }
        assertTrue(file.getFileName().toString().startsWith("events.out.tfevents."));
        List<Event> events = read(Files.readAllBytes(file));
        assertEquals(3, events.size());
        assertEquals("brain.Event:2", events.get(0).fileVersion());
        assertTrue(events.get(0).wallTime() > 1.6e9);
        assertEquals(782, events.get(1).step());
        assertEquals(Map.of("train/loss", 0.3421f, "train/grad_norm", 2.5f, "train/learning_rate", 1.6e-5f, "train/epoch", 1.0f),
                events.get(1).scalars());
        assertEquals(Map.of("eval/loss", 0.241491f, "eval/accuracy", 0.89964f), events.get(2).scalars());
    }

    /**
     * The same file read by tools that share no code with ours: npm's tfrecord package (framing and both
     * CRC32Cs) and protoc decoding TensorFlow's Event proto (scripts/check-tensorboard-events.sh).
     * Skipped where node or protoc is missing (.ci/run installs protoc).
     */
    @Test
    void eventFileReadsBackWithTfrecordAndProtoc() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(onPath("protoc") && onPath("node") && onPath("npm"),
                "needs node, npm and protoc (apt-get install protobuf-compiler)");
        Map<String, Object> log = new LinkedHashMap<>();
        log.put("loss", 0.3421);
        log.put("learning_rate", 1.6e-5);
        try (TensorBoardWriter w = new TensorBoardWriter(tmp)) {
            w.scalars(7, TensorBoardLogger.tags(log));
            w.scalars(8, TensorBoardLogger.tags(Map.of("eval_accuracy", 0.875)));
        }
        Process p = new ProcessBuilder("scripts/check-tensorboard-events.sh", tmp.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        org.junit.jupiter.api.Assumptions.assumeFalse(code == 3, "npm could not install tfrecord: " + out);
        assertEquals(0, code, out);
        assertTrue(out.contains("file_version: \"brain.Event:2\""), out);
        assertTrue(out.contains("step: 7 summary { value { tag: \"train/loss\" simple_value: 0.3421 } "
                + "value { tag: \"train/learning_rate\" simple_value: 1.6e-05 } }"), out);
        assertTrue(out.contains("step: 8 summary { value { tag: \"eval/accuracy\" simple_value: 0.875 } }"), out);
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** TFRecord reader that checks both masked CRC32Cs, then a minimal protobuf decoder for Event. */
    static List<Event> read(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Event> out = new ArrayList<>();
        while (b.hasRemaining()) {
            byte[] len = new byte[8];
            b.get(len);
            assertEquals(TensorBoardWriter.maskedCrc(len, 0, 8), b.getInt(), "length CRC");
            int n = (int) ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
            byte[] data = new byte[n];
            b.get(data);
            assertEquals(TensorBoardWriter.maskedCrc(data, 0, n), b.getInt(), "data CRC");
            out.add(event(data));
        }
        return out;
    }

    private static Event event(byte[] data) {
        ByteArrayInputStream in = new ByteArrayInputStream(data);
        double wall = 0;
        long step = 0;
        String version = null;
        Map<String, Float> scalars = new LinkedHashMap<>();
        while (in.available() > 0) {
            int key = (int) varint(in);
            switch (key) {
                case (1 << 3) | 1 -> wall = Double.longBitsToDouble(fixed(in, 8));
                case (2 << 3) -> step = varint(in);
                case (3 << 3) | 2 -> version = new String(bytes(in), StandardCharsets.UTF_8);
                case (5 << 3) | 2 -> summary(bytes(in), scalars);
                default -> fail("unexpected field key " + key);
            }
        }
        return new Event(wall, step, version, scalars);
    }

    private static void summary(byte[] data, Map<String, Float> scalars) {
        ByteArrayInputStream in = new ByteArrayInputStream(data);
        while (in.available() > 0) {
            assertEquals((1 << 3) | 2, varint(in));
            ByteArrayInputStream value = new ByteArrayInputStream(bytes(in));
            String tag = null;
            Float v = null;
            while (value.available() > 0) {
                int key = (int) varint(value);
                if (key == ((1 << 3) | 2)) tag = new String(bytes(value), StandardCharsets.UTF_8);
                else if (key == ((2 << 3) | 5)) v = Float.intBitsToFloat((int) fixed(value, 4));
                else fail("unexpected value key " + key);
            }
            scalars.put(tag, v);
        }
    }

    private static long varint(ByteArrayInputStream in) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.read();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return v;
        }
    }

    private static long fixed(ByteArrayInputStream in, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) v |= (long) in.read() << (8 * i);
        return v;
    }

    private static byte[] bytes(ByteArrayInputStream in) {
        int n = (int) varint(in);
        byte[] out = new byte[n];
        in.read(out, 0, n);
        return out;
    }
}
