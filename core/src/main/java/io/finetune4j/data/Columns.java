package io.finetune4j.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/** Operations over whole {@link Column}s that the sealed interface leaves out: concatenation and hashing. */
final class Columns {
    private Columns() {}

    /** Joins parts of the same type, in order. */
    static Column concat(String name, List<Column> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException("nothing to concatenate for column " + name);
        if (parts.size() == 1) return parts.get(0);
        Column first = parts.get(0);
        int total = 0;
        for (Column c : parts) {
            if (c.getClass() != first.getClass()) {
                throw new IllegalStateException("column '" + name + "' changes type between parts: "
                        + first.typeName() + " vs " + c.typeName());
            }
            total += c.size();
        }
        int at = 0;
        if (first instanceof Column.Strings) {
                String[] out = new String[total];
                for (Column c : parts) { String[] v = ((Column.Strings) c).values(); System.arraycopy(v, 0, out, at, v.length); at += v.length; }
                return new Column.Strings(out);
        } else if (first instanceof Column.Ints) {
                int[] out = new int[total];
                for (Column c : parts) { int[] v = ((Column.Ints) c).values(); System.arraycopy(v, 0, out, at, v.length); at += v.length; }
                return new Column.Ints(out);
        } else if (first instanceof Column.IntLists) {
                int[][] out = new int[total][];
                for (Column c : parts) { int[][] v = ((Column.IntLists) c).values(); System.arraycopy(v, 0, out, at, v.length); at += v.length; }
                return new Column.IntLists(out);
        } else if (first instanceof Column.FloatLists) {
                float[][] out = new float[total][];
                for (Column c : parts) { float[][] v = ((Column.FloatLists) c).values(); System.arraycopy(v, 0, out, at, v.length); at += v.length; }
                return new Column.FloatLists(out);
        } else {
                float[] out = new float[total];
                for (Column c : parts) { float[] v = ((Column.Floats) c).values(); System.arraycopy(v, 0, out, at, v.length); at += v.length; }
                return new Column.Floats(out);
        }
    }

    /** Feeds a column's type and every value into a digest (lengths included, so boundaries count). */
    static void digest(MessageDigest md, String name, Column column) {
        md.update(name.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(column.typeName().getBytes(StandardCharsets.UTF_8));
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        if (column instanceof Column.Strings s) {
                for (String v : s.values()) {
                    byte[] b = v == null ? null : v.getBytes(StandardCharsets.UTF_8);
                    putInt(md, buf, b == null ? -1 : b.length);
                    if (b != null) { flush(md, buf); md.update(b); }
                }
        } else if (column instanceof Column.Ints s) {
            for (int v : s.values()) putInt(md, buf, v);
        } else if (column instanceof Column.IntLists s) {
                for (int[] row : s.values()) {
                    putInt(md, buf, row == null ? -1 : row.length);
                    if (row != null) for (int v : row) putInt(md, buf, v);
                }
        } else if (column instanceof Column.Floats s) {
            for (float v : s.values()) putInt(md, buf, Float.floatToIntBits(v));
        } else if (column instanceof Column.FloatLists s) {
                for (float[] row : s.values()) {
                    putInt(md, buf, row == null ? -1 : row.length);
                    if (row != null) for (float v : row) putInt(md, buf, Float.floatToIntBits(v));
                }
        }
        flush(md, buf);
    }

    private static void putInt(MessageDigest md, ByteBuffer buf, int v) {
        if (buf.remaining() < 4) flush(md, buf);
        buf.putInt(v);
    }

    private static void flush(MessageDigest md, ByteBuffer buf) {
        buf.flip();
        md.update(buf);
        buf.clear();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) sb.append(String.format("%02x", b));
        return sb.toString();
    }
}
