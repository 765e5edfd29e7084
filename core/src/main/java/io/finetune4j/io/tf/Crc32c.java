package io.finetune4j.io.tf;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC-32C as LevelDB/TensorFlow store it. Stored checksums are "masked" (rotated and offset) because
 * a CRC computed over data that itself embeds CRCs is otherwise prone to accidental matches.
 */
public final class Crc32c {
    private static final int MASK_DELTA = 0xa282ead8;

    private Crc32c() {}

    public static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    public static int unmask(int masked) {
        int rot = masked - MASK_DELTA;
        return (rot >>> 17) | (rot << 15);
    }

    /** CRC-32C of the remaining bytes of {@code data} (its position is left unchanged). */
    public static int of(ByteBuffer data) {
        CRC32C crc = new CRC32C();
        crc.update(data.duplicate());
        return (int) crc.getValue();
    }

    /** CRC-32C of {@code data} followed by one more byte (a block and its compression-type byte). */
    public static int of(ByteBuffer data, byte extra) {
        CRC32C crc = new CRC32C();
        crc.update(data.duplicate());
        crc.update(extra);
        return (int) crc.getValue();
    }
}
