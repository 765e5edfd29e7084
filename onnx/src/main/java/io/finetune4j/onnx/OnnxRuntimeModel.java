package io.finetune4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.BadInputException;
import io.finetune4j.pipeline.ModelRuntime;
import io.finetune4j.pipeline.RuntimeOptions;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * ONNX Runtime as the pipeline's model: one {@link OrtSession} on {@code onnx/model.onnx} (or
 * {@code model_quantized.onnx}) of an exported folder, labels and position limit from its
 * config.json. Sessions run with all graph optimizations and as many intra-op threads as the JVM
 * sees cores (or {@link RuntimeOptions#intraOpThreads()}), in the JVM's single {@link OrtEnvironment}. {@code OrtSession.run} is thread-safe.
 */
public final class OnnxRuntimeModel implements ModelRuntime {
    public static final String NAME = "onnx";
    /** What the pipeline's tokenizer gives the model; a graph input outside this set cannot be fed. */
    static final Set<String> TOKENIZER_OUTPUTS = Set.of(FamilyExporter.INPUT_IDS, FamilyExporter.ATTENTION_MASK, FamilyExporter.TOKEN_TYPE_IDS);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Model metadata key the exporter writes: the longest input in tokens. */
    static final String MAX_INPUT_LENGTH = "max_input_length";

    private final OrtSession session;
    private final Path file;
    private final List<String> inputs;
    private final int numLabels;
    private final Map<Integer, String> id2label;
    private final int maxPositions;

    private OnnxRuntimeModel(OrtSession session, Path file, List<String> inputs, int numLabels, Map<Integer, String> id2label, int maxPositions) {
        this.session = session;
        this.file = file;
        this.inputs = inputs;
        this.numLabels = numLabels;
        this.id2label = id2label;
        this.maxPositions = maxPositions;
    }

    /** The JVM's one ONNX Runtime environment. */
    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /** Graph optimizations on (ORT_ENABLE_ALL), intra-op threads = {@code threads}, or the cores when 0. */
    static OrtSession.SessionOptions sessionOptions(int threads) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        o.setIntraOpNumThreads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
        return o;
    }

    /** The model file of an exported folder: {@code onnx/model.onnx}, or {@code model.onnx} at its top. */
    public static Path modelFile(Path dir, boolean quantized) {
        String name = quantized ? OnnxExporter.QUANTIZED_FILE : OnnxExporter.MODEL_FILE;
        Path nested = dir.resolve(OnnxExporter.ONNX_DIR).resolve(name);
        if (Files.isRegularFile(nested)) {
            return nested;
        }
        Path top = dir.resolve(name);
        if (Files.isRegularFile(top)) {
            return top;
        }
        if (quantized) {
            throw new BadInputException("--quantized: no " + OnnxExporter.ONNX_DIR + "/" + name + " in " + dir
                    + "; export with --quantize int8 or drop --quantized");
        }
        throw new BadInputException("no " + OnnxExporter.ONNX_DIR + "/" + name + " in " + dir
                + "; the onnx runtime needs a folder written by `finetune4j export onnx` (or use --runtime djl)");
    }

    /** Opens the exported folder {@code dir}. */
    public static OnnxRuntimeModel open(Path dir, RuntimeOptions options) {
        return open(dir, options, null);
    }

    /**
     * As {@link #open(Path, RuntimeOptions)}, with ONNX Runtime's profiler on when {@code profilePrefix} is
     * given: every run is recorded until {@link #endProfiling()} writes the trace ({@code PREFIX_DATE.json}).
     */
    public static OnnxRuntimeModel open(Path dir, RuntimeOptions options, Path profilePrefix) {
        Path file = modelFile(dir, options.quantized());
        JsonNode config = readConfig(dir);
        OrtSession session = openSession(file, options.intraOpThreads(), profilePrefix);
        try {
            List<String> inputs = checkInputs(session, file);
            int numLabels = outputWidth(session, file);
            Map<Integer, String> labels = id2label(config, numLabels, dir);
            int maxPositions = maxInputLength(session, config);
            return new OnnxRuntimeModel(session, file, inputs, numLabels, labels, maxPositions);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /** Loads {@code file} once and checks its inputs (the exporter's check before it moves a folder into place). */
    static void check(Path file, List<String> expectedInputs) {
        OrtSession session = openSession(file, 0, null);
        try {
            List<String> inputs = checkInputs(session, file);
            if (!inputs.equals(expectedInputs)) {
                throw new IllegalStateException("exported " + file + " has inputs " + inputs + ", expected " + expectedInputs);
            }
            outputWidth(session, file);
        } finally {
            closeQuietly(session);
        }
    }

    /** Stops the profiler of a model opened with a profile prefix and returns the trace file it wrote. */
    public Path endProfiling() {
        try {
            return Path.of(session.endProfiling());
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not write its profile: " + e.getMessage(), e);
        }
    }

    private static OrtSession openSession(Path file, int threads, Path profilePrefix) {
        try (OrtSession.SessionOptions o = sessionOptions(threads)) {
            if (profilePrefix != null) {
                o.enableProfiling(profilePrefix.toString());
            }
            return environment().createSession(file.toString(), o);
        } catch (OrtException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new BadInputException("ONNX Runtime cannot load " + file + " (" + msg + "); the file is corrupt or truncated: export it again");
        }
    }

    private static List<String> checkInputs(OrtSession session, Path file) {
        List<String> inputs = List.copyOf(session.getInputNames());
        for (String name : inputs) {
            if (!TOKENIZER_OUTPUTS.contains(name)) {
                throw new BadInputException(file + " takes input '" + name + "', which the tokenizer does not produce (it gives "
                        + String.join(", ", new java.util.TreeSet<>(TOKENIZER_OUTPUTS)) + "); use a text-classification export");
            }
        }
        if (!inputs.contains(FamilyExporter.INPUT_IDS)) {
            throw new BadInputException(file + " has no input_ids input (its inputs: " + inputs + "); use a text-classification export");
        }
        return inputs;
    }

    private static int outputWidth(OrtSession session, Path file) {
        try {
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            NodeInfo logits = outputs.get(FamilyExporter.LOGITS);
            if (logits == null) {
                throw new BadInputException(file + " has no 'logits' output (its outputs: " + outputs.keySet() + "); use a text-classification export");
            }
            if (logits.getInfo() instanceof TensorInfo t && t.getShape().length == 2 && t.getShape()[1] > 0) {
                return Math.toIntExact(t.getShape()[1]);
            }
            throw new BadInputException(file + "'s logits output is not [batch_size, num_labels]; use a text-classification export");
        } catch (OrtException e) {
            throw new BadInputException("ONNX Runtime cannot read the outputs of " + file + ": " + e.getMessage());
        }
    }

    /** The exporter's max_input_length metadata, else config.json's max_position_embeddings, else unbounded. */
    private static int maxInputLength(OrtSession session, JsonNode config) {
        try {
            String v = session.getMetadata().getCustomMetadata().get(MAX_INPUT_LENGTH);
            if (v != null) {
                return Integer.parseInt(v);
            }
        } catch (OrtException | NumberFormatException e) {
            // fall back to config.json
        }
        JsonNode positions = config.get("max_position_embeddings");
        return positions != null && positions.canConvertToInt() ? positions.asInt() : Integer.MAX_VALUE;
    }

    private static JsonNode readConfig(Path dir) {
        Path f = dir.resolve("config.json");
        if (!Files.isRegularFile(f)) {
            throw new BadInputException("no config.json in " + dir + "; the onnx runtime needs a folder written by `finetune4j export onnx`");
        }
        try {
            return JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new BadInputException("cannot parse " + f + ": " + e.getMessage());
        }
    }

    private static Map<Integer, String> id2label(JsonNode config, int numLabels, Path dir) {
        Map<Integer, String> out = new TreeMap<>();
        JsonNode m = config.get("id2label");
        if (m != null && m.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(Integer.parseInt(e.getKey()), e.getValue().asText());
            }
        }
        if (!out.isEmpty() && out.size() != numLabels) {
            throw new BadInputException(dir + "/config.json names " + out.size() + " labels but the ONNX model outputs " + numLabels
                    + "; the config and the model do not belong together: export again");
        }
        for (int i = 0; i < numLabels; i++) {
            out.putIfAbsent(i, "LABEL_" + i);
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The .onnx file this runtime runs. */
    public Path file() {
        return file;
    }

    /** The graph's inputs in order. */
    public List<String> inputNames() {
        return inputs;
    }

    @Override
    public float[] logits(long[] inputIds, long[] attentionMask, long[] tokenTypeIds, int batch, int sequenceLength) {
        OrtEnvironment env = environment();
        long[] shape = {batch, sequenceLength};
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            for (String name : inputs) {
                long[] data = switch (name) {
                    case FamilyExporter.INPUT_IDS -> inputIds;
                    case FamilyExporter.ATTENTION_MASK -> attentionMask;
                    default -> tokenTypeIds;
                };
                feed.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape));
            }
            try (OrtSession.Result r = session.run(feed, Set.of(FamilyExporter.LOGITS))) {
                OnnxTensor logits = (OnnxTensor) r.get(0);
                FloatBuffer fb = logits.getFloatBuffer();
                float[] out = new float[fb.remaining()];
                fb.get(out);
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on " + file + ": " + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public int numLabels() {
        return numLabels;
    }

    @Override
    public Map<Integer, String> id2label() {
        return id2label;
    }

    @Override
    public int maxPositions() {
        return maxPositions;
    }

    @Override
    public long numParameters() {
        return -1;
    }

    @Override
    public void close() {
        closeQuietly(session);
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException e) {
            // nothing left to release
        }
    }
}
