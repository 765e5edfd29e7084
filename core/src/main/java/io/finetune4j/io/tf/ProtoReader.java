package io.finetune4j.io.tf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Just enough of the protobuf wire format to read TensorFlow's bundle messages: varints,
 * length-delimited fields and fixed32/fixed64, with unknown fields skipped. Malformed input
 * throws {@link IllegalArgumentException}; callers turn that into a message naming the file.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final ByteBuffer buf;
    private int tag;

    ProtoReader(ByteBuffer message) {
        this.buf = message.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Advances to the next field; false at the end of the message. */
    boolean next() {
        if (!buf.hasRemaining()) {
            return false;
        }
        long t = readVarint();
        if (t >>> 3 == 0 || t > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad protobuf field tag " + t);
        }
        tag = (int) t;
        return true;
    }

    int field() {
        return tag >>> 3;
    }

    int wireType() {
        return tag & 7;
    }

    long varint() {
        expect(VARINT);
        return readVarint();
    }

    int fixed32() {
        expect(FIXED32);
        need(4);
        return buf.getInt();
    }

    ByteBuffer bytes() {
        expect(LENGTH_DELIMITED);
        long len = readVarint();
        if (len < 0 || len > buf.remaining()) {
            throw new IllegalArgumentException("protobuf field " + field() + " claims " + len + " bytes, only " + buf.remaining() + " left");
        }
        ByteBuffer out = buf.slice().limit((int) len).order(ByteOrder.LITTLE_ENDIAN);
        buf.position(buf.position() + (int) len);
        return out;
    }

    void skip() {
        switch (wireType()) {
            case VARINT -> readVarint();
            case FIXED64 -> skipBytes(8);
            case LENGTH_DELIMITED -> bytes();
            case FIXED32 -> skipBytes(4);
            default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wireType() + " in field " + field());
        }
    }

    private void skipBytes(int n) {
        need(n);
        buf.position(buf.position() + n);
    }

    private void expect(int wire) {
        if (wireType() != wire) {
            throw new IllegalArgumentException("protobuf field " + field() + " has wire type " + wireType() + ", expected " + wire);
        }
    }

    private void need(int n) {
        if (buf.remaining() < n) {
            throw new IllegalArgumentException("protobuf message ends inside field " + field());
        }
    }

    private long readVarint() {
        return Varints.readVarint64(buf);
    }
}
