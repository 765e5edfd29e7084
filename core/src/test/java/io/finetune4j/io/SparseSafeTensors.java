package io.finetune4j.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a valid safetensors file in which some tensors are holes: their bytes are never written, so the file
 * system keeps them sparse (a file of several GiB takes kilobytes on disk) and they read as zeros.
 */
final class SparseSafeTensors {
    private record Entry(String name, Tensor.DType dtype, long[] shape, ByteBuffer bytes) {}

    private final List<Entry> entries = new ArrayList<>();

    /** A tensor with its values. */
    SparseSafeTensors tensor(String name, Tensor t) {
        entries.add(new Entry(name, t.dtype(), t.shape(), t.data()));
        return this;
    }

    /** A tensor of zeros that stays a hole in the file. */
    SparseSafeTensors hole(String name, Tensor.DType dtype, long... shape) {
        entries.add(new Entry(name, dtype, shape, null));
        return this;
    }

    Path write(Path file) throws IOException {
        ObjectNode header = new ObjectMapper().createObjectNode();
        long offset = 0;
        List<Long> begins = new ArrayList<>();
        for (Entry e : entries) {
            long bytes = Tensor.numel(e.shape()) * e.dtype().bytes;
            ObjectNode n = header.putObject(e.name());
            n.put("dtype", e.dtype().name());
            var shape = n.putArray("shape");
            for (long d : e.shape()) shape.add(d);
            n.putArray("data_offsets").add(offset).add(offset + bytes);
            begins.add(offset);
            offset += bytes;
        }
        byte[] json = new ObjectMapper().writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        long dataStart = 8 + padded;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeAt(ch, head.flip(), 0);
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).bytes() != null) {
                    writeAt(ch, entries.get(i).bytes().duplicate(), dataStart + begins.get(i));
                }
            }
            if (ch.size() < dataStart + offset) {
                writeAt(ch, ByteBuffer.allocate(1), dataStart + offset - 1); // the last byte: everything before it unwritten stays a hole
            }
        }
        return file;
    }

    private static void writeAt(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            p += ch.write(b, p);
        }
    }

    /** Kilobytes the file takes on disk, as du counts them. */
    static long diskKilobytes(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("du", "-k", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        return Long.parseLong(out.split("\\s+")[0]);
    }
}
