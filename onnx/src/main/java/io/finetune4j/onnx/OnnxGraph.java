package io.finetune4j.onnx;

import com.google.protobuf.CodedOutputStream;
import io.finetune4j.onnx.OnnxProto.Msg;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An ONNX graph being built: inputs, nodes in topological order, initializers (weights and
 * constants) and outputs; {@link #write} saves it as a {@code ModelProto}, with the initializers
 * in an external data file when asked (models over protobuf's 2 GB limit).
 */
final class OnnxGraph {
    static final String MS_DOMAIN = "com.microsoft";
    /** The ONNX IR version that goes with an ai.onnx opset: 8 for 17–18, 9 for 19–20, 10 for 21. */
    static long irVersion(int opset) {
        return opset <= 18 ? 8 : opset <= 20 ? 9 : 10;
    }
    private static final int ALIGN = 4096;
    /** Tensors smaller than this stay inside the model even with external data (shape constants must: ORT infers shapes from them). */
    private static final int EXTERNAL_MIN_BYTES = 1024;

    record Initializer(String name, int dataType, long[] dims, ByteBuffer data) {
        long bytes() {
            return data.remaining();
        }
    }

    private final String name;
    private final List<Msg> inputs = new ArrayList<>();
    private final List<Msg> outputs = new ArrayList<>();
    private final List<Msg> nodes = new ArrayList<>();
    private final List<Initializer> initializers = new ArrayList<>();
    private int counter;

    OnnxGraph(String name) {
        this.name = name;
    }

    // ---- inputs, outputs, initializers -------------------------------------------------------------

    /** A graph input; a String dimension is a dynamic axis (dim_param), a Number a fixed one. */
    String input(String name, int elemType, Object... dims) {
        inputs.add(OnnxProto.valueInfo(name, elemType, dims));
        return name;
    }

    void output(String name, int elemType, Object... dims) {
        outputs.add(OnnxProto.valueInfo(name, elemType, dims));
    }

    String initializer(String name, int dataType, long[] dims, ByteBuffer littleEndian) {
        initializers.add(new Initializer(name, dataType, dims.clone(), littleEndian.duplicate()));
        return name;
    }

    String floats(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return initializer(name, OnnxProto.TensorProto.FLOAT, dims, b);
    }

    String int8s(String name, byte[] values, long... dims) {
        return initializer(name, OnnxProto.TensorProto.INT8, dims, ByteBuffer.wrap(values));
    }

    String longs(String name, long[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return initializer(name, OnnxProto.TensorProto.INT64, dims, b);
    }

    /** A float32 scalar constant. */
    String scalar(float v) {
        return floats(fresh("const"), new float[] {v});
    }

    /** An int64 1-D constant. */
    String longs1d(long... values) {
        return longs(fresh("const"), values, values.length);
    }

    /** An int64 scalar constant. */
    String longScalar(long v) {
        return longs(fresh("const"), new long[] {v});
    }

    long initializerBytes() {
        long n = 0;
        for (Initializer i : initializers) {
            n += i.bytes();
        }
        return n;
    }

    // ---- nodes ------------------------------------------------------------------------------------

    /** A node of the default (ai.onnx) domain with one output; returns the output's name. */
    String op(String opType, List<String> in, Msg... attributes) {
        return opInto(opType, fresh(opType), in, attributes);
    }

    String op(String opType, String in0, Msg... attributes) {
        return op(opType, List.of(in0), attributes);
    }

    String op(String opType, String in0, String in1, Msg... attributes) {
        return op(opType, List.of(in0, in1), attributes);
    }

    /** A node whose single output has a given name (graph outputs). */
    String opInto(String opType, String output, List<String> in, Msg... attributes) {
        node("", opType, in, List.of(output), attributes);
        return output;
    }

    /** A node with several outputs; returns their names. */
    List<String> opN(String opType, int outputs, List<String> in, Msg... attributes) {
        List<String> out = new ArrayList<>();
        String base = fresh(opType);
        for (int i = 0; i < outputs; i++) {
            out.add(base + "_" + i);
        }
        node("", opType, in, out, attributes);
        return out;
    }

    private void node(String domain, String opType, List<String> in, List<String> out, Msg... attributes) {
        Msg n = new Msg();
        for (String s : in) {
            n.str(OnnxProto.NodeProto.INPUT, s);
        }
        for (String s : out) {
            n.str(OnnxProto.NodeProto.OUTPUT, s);
        }
        n.str(OnnxProto.NodeProto.NAME, opType + "_" + (counter++)).str(OnnxProto.NodeProto.OP_TYPE, opType);
        for (Msg a : attributes) {
            n.msg(OnnxProto.NodeProto.ATTRIBUTE, a);
        }
        if (!domain.isEmpty()) {
            n.str(OnnxProto.NodeProto.DOMAIN, domain);
        }
        nodes.add(n);
    }

    String fresh(String prefix) {
        return "/" + prefix + "_" + (counter++);
    }

    // ---- writing ----------------------------------------------------------------------------------

    /**
     * Writes {@code file}; with {@code externalData} non-null every initializer's bytes go to that file
     * (beside {@code file}, 4 KiB aligned) and the model keeps only their location, offset and length.
     */
    void write(Path file, int opset, String externalData, Map<String, String> metadata, String producerVersion) throws IOException {
        Msg graph = new Msg();
        for (Msg n : nodes) {
            graph.msg(OnnxProto.GraphProto.NODE, n);
        }
        graph.str(OnnxProto.GraphProto.NAME, name);
        FileChannel data = externalData == null ? null
                : FileChannel.open(file.resolveSibling(externalData), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE);
        try {
            long offset = 0;
            for (Initializer init : initializers) {
                Msg t = new Msg().packedI64(OnnxProto.TensorProto.DIMS, init.dims()).i32(OnnxProto.TensorProto.DATA_TYPE, init.dataType())
                        .str(OnnxProto.TensorProto.NAME, init.name());
                if (data == null || init.bytes() < EXTERNAL_MIN_BYTES) {
                    t.blob(OnnxProto.TensorProto.RAW_DATA, init.data());
                } else {
                    long start = (offset + ALIGN - 1) / ALIGN * ALIGN;
                    ByteBuffer b = init.data().duplicate();
                    long pos = start;
                    while (b.hasRemaining()) {
                        pos += data.write(b, pos);
                    }
                    offset = pos;
                    t.msg(OnnxProto.TensorProto.EXTERNAL_DATA, OnnxProto.entry("location", externalData))
                            .msg(OnnxProto.TensorProto.EXTERNAL_DATA, OnnxProto.entry("offset", Long.toString(start)))
                            .msg(OnnxProto.TensorProto.EXTERNAL_DATA, OnnxProto.entry("length", Long.toString(init.bytes())))
                            .i32(OnnxProto.TensorProto.DATA_LOCATION, OnnxProto.TensorProto.EXTERNAL);
                }
                graph.msg(OnnxProto.GraphProto.INITIALIZER, t);
            }
        } finally {
            if (data != null) {
                data.close();
            }
        }
        for (Msg i : inputs) {
            graph.msg(OnnxProto.GraphProto.INPUT, i);
        }
        for (Msg o : outputs) {
            graph.msg(OnnxProto.GraphProto.OUTPUT, o);
        }
        Msg model = new Msg().i64(OnnxProto.ModelProto.IR_VERSION, irVersion(opset))
                .str(OnnxProto.ModelProto.PRODUCER_NAME, "finetune4j")
                .str(OnnxProto.ModelProto.PRODUCER_VERSION, producerVersion)
                .msg(OnnxProto.ModelProto.GRAPH, graph)
                .msg(OnnxProto.ModelProto.OPSET_IMPORT, OnnxProto.opset("", opset))
                .msg(OnnxProto.ModelProto.OPSET_IMPORT, OnnxProto.opset(MS_DOMAIN, 1));
        metadata.forEach((k, v) -> model.msg(OnnxProto.ModelProto.METADATA_PROPS, OnnxProto.entry(k, v)));
        if (model.size() >= Integer.MAX_VALUE) {
            throw new IllegalStateException("model of " + model.size() + " bytes is over protobuf's 2 GB limit; use external data");
        }
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            CodedOutputStream out = CodedOutputStream.newInstance(os, 1 << 16);
            model.writeTo(out);
            out.flush();
        }
    }
}
