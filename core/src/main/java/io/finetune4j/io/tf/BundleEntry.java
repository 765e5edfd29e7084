package io.finetune4j.io.tf;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code BundleEntryProto} of a TF tensor bundle index: where a tensor's bytes lie in which data
 * shard, and their CRC-32C (stored masked, as TF's {@code BundleWriter} does).
 *
 * @param dtype     TF {@code DataType} enum value (1 = DT_FLOAT)
 * @param shape     dimension sizes
 * @param shardId   which {@code .data-NNNNN-of-MMMMM} file
 * @param offset    byte offset in that shard
 * @param size      byte length
 * @param crc32c    masked CRC-32C of the bytes
 * @param sliced    whether the tensor is stored as partitioned slices (not supported)
 */
public record BundleEntry(int dtype, long[] shape, int shardId, long offset, long size, int crc32c, boolean sliced) {
    public static final int DT_FLOAT = 1;
    public static final int DT_DOUBLE = 2;
    public static final int DT_INT32 = 3;
    public static final int DT_UINT8 = 4;
    public static final int DT_INT16 = 5;
    public static final int DT_INT8 = 6;
    public static final int DT_STRING = 7;
    public static final int DT_INT64 = 9;
    public static final int DT_BOOL = 10;
    public static final int DT_BFLOAT16 = 14;
    public static final int DT_HALF = 19;

    /** Decodes a serialized {@code BundleEntryProto}. */
    static BundleEntry parse(ByteBuffer message) {
        int dtype = 0;
        long[] shape = new long[0];
        long shard = 0;
        long offset = 0;
        long size = 0;
        int crc = 0;
        boolean sliced = false;
        ProtoReader r = new ProtoReader(message);
        while (r.next()) {
            switch (r.field()) {
                case 1 -> dtype = (int) r.varint();
                case 2 -> shape = parseShape(r.bytes());
                case 3 -> shard = r.varint();
                case 4 -> offset = r.varint();
                case 5 -> size = r.varint();
                case 6 -> crc = r.fixed32();
                case 7 -> {
                    r.skip();
                    sliced = true;
                }
                default -> r.skip();
            }
        }
        if (shard < 0 || shard > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shard_id " + shard + " is out of range");
        }
        return new BundleEntry(dtype, shape, (int) shard, offset, size, crc, sliced);
    }

    /** {@code TensorShapeProto}: repeated {@code Dim dim = 2} with {@code int64 size = 1}; unknown_rank = 3. */
    private static long[] parseShape(ByteBuffer message) {
        List<Long> dims = new ArrayList<>();
        ProtoReader r = new ProtoReader(message);
        while (r.next()) {
            if (r.field() == 2) {
                long dimSize = 0;
                ProtoReader d = new ProtoReader(r.bytes());
                while (d.next()) {
                    if (d.field() == 1) {
                        dimSize = d.varint();
                    } else {
                        d.skip();
                    }
                }
                if (dimSize < 0) {
                    throw new IllegalArgumentException("shape has an unknown or negative dimension " + dimSize);
                }
                dims.add(dimSize);
            } else if (r.field() == 3) {
                if (r.varint() != 0) {
                    throw new IllegalArgumentException("shape has unknown rank");
                }
            } else {
                r.skip();
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** {@code BundleHeaderProto}: {@code int32 num_shards = 1}, {@code Endianness endianness = 2} (0 = little). */
    record Header(int numShards, int endianness) {
        static Header parse(ByteBuffer message) {
            long shards = 1;
            long endianness = 0;
            ProtoReader r = new ProtoReader(message);
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> shards = r.varint();
                    case 2 -> endianness = r.varint();
                    default -> r.skip();
                }
            }
            if (shards < 1 || shards > 100_000) {
                throw new IllegalArgumentException("header says num_shards = " + shards);
            }
            return new Header((int) shards, (int) endianness);
        }
    }
}
