package io.finetune4j.onnx;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The subset of ONNX's protobuf messages the exporter writes, encoded with protobuf-java's
 * {@link CodedOutputStream}. Field numbers and enum values are those of the ONNX specification
 * (IR version 8); nothing here is generated. A message is a list of fields in field order whose
 * size is known before it is written, so a model streams to disk and weights are copied straight
 * from their buffers.
 *
 * <p>Written directly rather than from a .proto compiled by protoc at build time: the exporter only
 * writes, ten messages and about forty fields, and the build then needs no native protoc download.
 */
final class OnnxProto {
    private OnnxProto() {}

    // ---- field numbers (ONNX IR spec) ----------------------------------------------------------
    static final class ModelProto {
        static final int IR_VERSION = 1, PRODUCER_NAME = 2, PRODUCER_VERSION = 3, DOMAIN = 4, MODEL_VERSION = 5, DOC_STRING = 6,
                GRAPH = 7, OPSET_IMPORT = 8, METADATA_PROPS = 14;
    }

    static final class OperatorSetIdProto {
        static final int DOMAIN = 1, VERSION = 2;
    }

    static final class GraphProto {
        static final int NODE = 1, NAME = 2, INITIALIZER = 5, DOC_STRING = 10, INPUT = 11, OUTPUT = 12, VALUE_INFO = 13;
    }

    static final class NodeProto {
        static final int INPUT = 1, OUTPUT = 2, NAME = 3, OP_TYPE = 4, ATTRIBUTE = 5, DOC_STRING = 6, DOMAIN = 7;
    }

    static final class AttributeProto {
        static final int NAME = 1, F = 2, I = 3, S = 4, T = 5, FLOATS = 7, INTS = 8, TYPE = 20;
        // AttributeType enum
        static final int FLOAT = 1, INT = 2, STRING = 3, TENSOR = 4, FLOATS_TYPE = 6, INTS_TYPE = 7;
    }

    static final class TensorProto {
        static final int DIMS = 1, DATA_TYPE = 2, NAME = 8, RAW_DATA = 9, EXTERNAL_DATA = 13, DATA_LOCATION = 14;
        // DataLocation enum
        static final int EXTERNAL = 1;
        // DataType enum
        static final int FLOAT = 1, UINT8 = 2, INT8 = 3, INT32 = 6, INT64 = 7;
    }

    static final class ValueInfoProto {
        static final int NAME = 1, TYPE = 2;
    }

    static final class TypeProto {
        static final int TENSOR_TYPE = 1;
        static final int TENSOR_ELEM_TYPE = 1, TENSOR_SHAPE = 2; // TypeProto.Tensor
    }

    static final class TensorShapeProto {
        static final int DIM = 1;
        static final int DIM_VALUE = 1, DIM_PARAM = 2; // TensorShapeProto.Dimension
    }

    static final class StringStringEntryProto {
        static final int KEY = 1, VALUE = 2;
    }

    // ---- a message with a known size -------------------------------------------------------------

    /** One field of a message: its encoded size (tag included) and how to write it. */
    private interface Field {
        long size();

        void write(CodedOutputStream out) throws IOException;
    }

    /** A protobuf message built field by field; write with {@link #writeTo}. */
    static final class Msg {
        private final List<Field> fields = new ArrayList<>();
        private long size = -1;

        Msg i64(int field, long v) {
            return add(CodedOutputStream.computeInt64Size(field, v), out -> out.writeInt64(field, v));
        }

        Msg i32(int field, int v) {
            return add(CodedOutputStream.computeInt32Size(field, v), out -> out.writeInt32(field, v));
        }

        Msg f32(int field, float v) {
            return add(CodedOutputStream.computeFloatSize(field, v), out -> out.writeFloat(field, v));
        }

        Msg str(int field, String v) {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            return add(CodedOutputStream.computeByteArraySize(field, b), out -> out.writeByteArray(field, b));
        }

        /** A length-delimited field copied from a buffer (raw tensor bytes); the buffer is not copied until written. */
        Msg blob(int field, ByteBuffer data) {
            ByteBuffer b = data.duplicate();
            int n = b.remaining();
            long sz = CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(n) + (long) n;
            return add(sz, out -> {
                out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(n);
                out.writeRawBytes(b.duplicate());
            });
        }

        Msg msg(int field, Msg m) {
            return addField(new Field() {
                @Override
                public long size() {
                    long n = m.size();
                    return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(Math.toIntExact(n)) + n;
                }

                @Override
                public void write(CodedOutputStream out) throws IOException {
                    out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                    out.writeUInt32NoTag(Math.toIntExact(m.size()));
                    m.writeFields(out);
                }
            });
        }

        /** repeated int64, packed (proto3's default encoding; parsers accept both). */
        Msg packedI64(int field, long[] values) {
            int body = 0;
            for (long v : values) {
                body += CodedOutputStream.computeInt64SizeNoTag(v);
            }
            int n = body;
            long sz = CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(n) + n;
            return add(sz, out -> {
                out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(n);
                for (long v : values) {
                    out.writeInt64NoTag(v);
                }
            });
        }

        /** repeated float, packed. */
        Msg packedF32(int field, float[] values) {
            int n = 4 * values.length;
            long sz = CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(n) + n;
            return add(sz, out -> {
                out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(n);
                for (float v : values) {
                    out.writeFloatNoTag(v);
                }
            });
        }

        private interface Writer {
            void write(CodedOutputStream out) throws IOException;
        }

        private Msg add(long sz, Writer w) {
            if (sz < 0) {
                throw new IllegalArgumentException("size");
            }
            fields.add(new Field() {
                @Override
                public long size() {
                    return sz;
                }

                @Override
                public void write(CodedOutputStream out) throws IOException {
                    w.write(out);
                }
            });
            size = -1;
            return this;
        }

        private Msg addField(Field f) {
            fields.add(f);
            size = -1;
            return this;
        }

        /** Encoded size of the fields (without this message's own tag and length). */
        long size() {
            if (size < 0) {
                long n = 0;
                for (Field f : fields) {
                    n += f.size();
                }
                size = n;
            }
            return size;
        }

        void writeFields(CodedOutputStream out) throws IOException {
            for (Field f : fields) {
                f.write(out);
            }
        }

        /** Writes this message as a top-level message (no tag, no length prefix). */
        void writeTo(CodedOutputStream out) throws IOException {
            writeFields(out);
        }
    }

    // ---- message helpers ---------------------------------------------------------------------------

    static Msg opset(String domain, long version) {
        return new Msg().str(OperatorSetIdProto.DOMAIN, domain).i64(OperatorSetIdProto.VERSION, version);
    }

    static Msg entry(String key, String value) {
        return new Msg().str(StringStringEntryProto.KEY, key).str(StringStringEntryProto.VALUE, value);
    }

    /** A tensor value_info with named (dynamic) or fixed dimensions: a String is a dim_param, a Number a dim_value. */
    static Msg valueInfo(String name, int elemType, Object... dims) {
        Msg shape = new Msg();
        for (Object d : dims) {
            Msg dim = d instanceof Number n ? new Msg().i64(TensorShapeProto.DIM_VALUE, n.longValue())
                    : new Msg().str(TensorShapeProto.DIM_PARAM, d.toString());
            shape.msg(TensorShapeProto.DIM, dim);
        }
        Msg tensor = new Msg().i32(TypeProto.TENSOR_ELEM_TYPE, elemType).msg(TypeProto.TENSOR_SHAPE, shape);
        return new Msg().str(ValueInfoProto.NAME, name).msg(ValueInfoProto.TYPE, new Msg().msg(TypeProto.TENSOR_TYPE, tensor));
    }

    static Msg attrInt(String name, long v) {
        return new Msg().str(AttributeProto.NAME, name).i64(AttributeProto.I, v).i32(AttributeProto.TYPE, AttributeProto.INT);
    }

    static Msg attrFloat(String name, float v) {
        return new Msg().str(AttributeProto.NAME, name).f32(AttributeProto.F, v).i32(AttributeProto.TYPE, AttributeProto.FLOAT);
    }

    static Msg attrInts(String name, long... v) {
        return new Msg().str(AttributeProto.NAME, name).packedI64(AttributeProto.INTS, v).i32(AttributeProto.TYPE, AttributeProto.INTS_TYPE);
    }
}
