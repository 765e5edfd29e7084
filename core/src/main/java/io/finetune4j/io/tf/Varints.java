package io.finetune4j.io.tf;

import java.nio.ByteBuffer;

/** LevelDB/protobuf base-128 varints, read from a buffer's position. */
final class Varints {
    private Varints() {}

    static long readVarint64(ByteBuffer buf) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!buf.hasRemaining()) {
                throw new IllegalArgumentException("varint runs past the end of its buffer");
            }
            byte b = buf.get();
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes");
    }

    static int readVarint32(ByteBuffer buf) {
        long v = readVarint64(buf);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("varint32 out of range: " + v);
        }
        return (int) v;
    }
}
