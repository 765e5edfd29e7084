package io.finetune4j.train;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Writes a TensorBoard event file ({@code events.out.tfevents.<time>.<host>}) by hand: TFRecord
 * framing (length, masked CRC32C of the length, data, masked CRC32C of the data) around Event
 * protos holding scalar summaries. The first event carries file_version "brain.Event:2".
 */
public final class TensorBoardWriter implements AutoCloseable {
    private final Path file;
    private final OutputStream out;

    public TensorBoardWriter(Path logDir) {
        try {
            Files.createDirectories(logDir);
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
            long seconds = System.currentTimeMillis() / 1000;
            Path f = logDir.resolve("events.out.tfevents." + seconds + "." + host);
            for (int i = 1; Files.exists(f); i++) {
                f = logDir.resolve("events.out.tfevents." + seconds + "." + host + "." + i);
            }
            file = f;
            out = Files.newOutputStream(file);
            ByteArrayOutputStream event = new ByteArrayOutputStream();
            wallTime(event);
            bytesField(event, 3, "brain.Event:2".getBytes(StandardCharsets.UTF_8));
            writeRecord(event.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write TensorBoard events under " + logDir + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    /** One event with a scalar per tag, at a global step. */
    public void scalars(long step, Map<String, Double> values) {
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        for (Map.Entry<String, Double> e : values.entrySet()) {
            ByteArrayOutputStream value = new ByteArrayOutputStream();
            bytesField(value, 1, e.getKey().getBytes(StandardCharsets.UTF_8));
            value.write(0x15); // field 2 (simple_value), wire type 5 (32-bit)
            int bits = Float.floatToIntBits(e.getValue().floatValue());
            for (int i = 0; i < 4; i++) {
                value.write(bits >>> (8 * i));
            }
            bytesField(summary, 1, value.toByteArray());
        }
        ByteArrayOutputStream event = new ByteArrayOutputStream();
        wallTime(event);
        event.write(0x10); // field 2 (step), varint
        varint(event, step);
        bytesField(event, 5, summary.toByteArray());
        try {
            writeRecord(event.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private void writeRecord(byte[] data) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length);
        out.write(len.array());
        out.write(le32(maskedCrc(len.array(), 0, 8)));
        out.write(data);
        out.write(le32(maskedCrc(data, 0, data.length)));
    }

    /** TFRecord's checksum: CRC32C rotated right by 15 plus a constant. */
    public static int maskedCrc(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static void wallTime(ByteArrayOutputStream event) {
        event.write(0x09); // field 1 (wall_time), wire type 1 (64-bit)
        long bits = Double.doubleToLongBits(System.currentTimeMillis() / 1000.0);
        for (int i = 0; i < 8; i++) {
            event.write((int) (bits >>> (8 * i)));
        }
    }

    private static void bytesField(ByteArrayOutputStream out, int field, byte[] bytes) {
        out.write((field << 3) | 2);
        varint(out, bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
