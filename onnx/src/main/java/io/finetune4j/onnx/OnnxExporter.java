package io.finetune4j.onnx;

import io.finetune4j.BadInputException;
import io.finetune4j.io.AtomicFiles;
import io.finetune4j.tokenize.AutoTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code export onnx}: a sequence-classification checkpoint folder to the layout of HF Hub ONNX
 * repositories and transformers.js:
 *
 * <pre>
 * OUT/config.json                      (copied)
 * OUT/tokenizer.json, tokenizer_config.json, special_tokens_map.json, vocab.txt
 * OUT/onnx/model.onnx                  float32
 * OUT/onnx/model_quantized.onnx        int8 (with Quantization.INT8)
 * </pre>
 *
 * Inputs {@code input_ids}, {@code attention_mask} (and {@code token_type_ids} for families that have
 * them), int64 {@code [batch_size, sequence_length]}; output {@code logits} float32
 * {@code [batch_size, num_labels]}. The graph is built from the checkpoint's own weights in standard
 * ONNX ops at the requested opset (default 17). Weights over 2 GB go to {@code model.onnx_data} beside
 * the model (ONNX external data). Everything is written into a temporary folder, each model is
 * loaded once by ONNX Runtime as a check, and only then the folder is moved to OUT: a failed export
 * leaves nothing behind.
 */
public final class OnnxExporter {
    public static final String ONNX_DIR = "onnx";
    public static final String MODEL_FILE = "model.onnx";
    public static final String QUANTIZED_FILE = "model_quantized.onnx";
    public static final int DEFAULT_OPSET = 17;
    public static final int MIN_OPSET = 17;
    public static final int MAX_OPSET = 21;
    /** Above this many bytes of weights a model keeps them in external data (protobuf caps a message at 2 GB). */
    public static final long EXTERNAL_DATA_THRESHOLD = (2L << 30) - (64L << 20);
    private static final Logger LOG = LoggerFactory.getLogger(OnnxExporter.class);
    private static final List<FamilyExporter> FAMILIES = List.of(new BertExporter(), new RobertaExporter(), new DistilBertExporter(),
            new ElectraExporter(), new AlbertExporter(), new DebertaV2Exporter(), new ModernBertExporter());

    private OnnxExporter() {}

    /**
     * @param quantization also write the int8 model
     * @param opset the ai.onnx opset ({@value #MIN_OPSET}–{@value #MAX_OPSET})
     * @param externalDataThreshold weights above this many bytes go to external data
     * @param verify load each written model in ONNX Runtime before the folder is moved into place
     */
    public record Options(Quantization quantization, int opset, long externalDataThreshold, boolean verify) {
        public static Options defaults() {
            return new Options(Quantization.NONE, DEFAULT_OPSET, EXTERNAL_DATA_THRESHOLD, true);
        }

        public Options withQuantization(Quantization q) {
            return new Options(q, opset, externalDataThreshold, verify);
        }

        public Options withOpset(int n) {
            return new Options(quantization, n, externalDataThreshold, verify);
        }

        public Options withExternalDataThreshold(long bytes) {
            return new Options(quantization, opset, bytes, verify);
        }
    }

    /** What was written: the output folder, the model files (relative to it), their inputs and sizes. */
    public record Result(Path output, String modelType, List<String> inputs, Map<String, Long> files, int opset) {}

    /** The model types with an exporter, e.g. {@code [bert]}. */
    public static List<String> supportedModelTypes() {
        List<String> out = new ArrayList<>();
        FAMILIES.forEach(f -> out.addAll(f.modelTypes()));
        return out;
    }

    public static Result export(Path modelDir, Path outDir, Options options) {
        if (options.opset() < MIN_OPSET || options.opset() > MAX_OPSET) {
            throw new BadInputException("--opset " + options.opset() + " is not supported; use " + MIN_OPSET + " to " + MAX_OPSET
                    + " (LayerNormalization needs 17)");
        }
        if (!Files.isDirectory(modelDir)) {
            throw new BadInputException("--model " + modelDir + " is not a folder; give a checkpoint folder (config.json, model.safetensors, tokenizer files)");
        }
        if (outDir.toAbsolutePath().normalize().equals(modelDir.toAbsolutePath().normalize())) {
            throw new BadInputException("--output " + outDir + " is the model folder itself; give a new folder");
        }
        ExportSource source = ExportSource.load(modelDir);
        FamilyExporter family = family(source);
        if (!Files.isRegularFile(modelDir.resolve("tokenizer.json")) && !Files.isRegularFile(modelDir.resolve("vocab.txt"))) {
            throw new BadInputException("no tokenizer files (tokenizer.json or vocab.txt) in " + modelDir
                    + "; the export carries the tokenizer: save it into the checkpoint folder first");
        }
        List<String> inputs = family.inputs(source);
        Map<String, Long> files = new TreeMap<>();
        AtomicFiles.writeDirectory(outDir, tmp -> {
            Files.copy(modelDir.resolve("config.json"), tmp.resolve("config.json"));
            try (AutoTokenizer tokenizer = AutoTokenizer.fromPretrained(modelDir)) {
                tokenizer.savePretrained(tmp);
            }
            Path onnx = Files.createDirectories(tmp.resolve(ONNX_DIR));
            writeModel(source, family, Quantization.NONE, onnx.resolve(MODEL_FILE), options);
            if (options.quantization() == Quantization.INT8) {
                writeModel(source, family, Quantization.INT8, onnx.resolve(QUANTIZED_FILE), options);
            }
            try (Stream<Path> all = Files.walk(tmp)) {
                for (Path p : all.filter(Files::isRegularFile).toList()) {
                    files.put(tmp.relativize(p).toString(), Files.size(p));
                }
            }
        });
        return new Result(outDir, source.modelType(), inputs, files, options.opset());
    }

    private static FamilyExporter family(ExportSource source) {
        String type = source.modelType();
        for (FamilyExporter f : FAMILIES) {
            if (f.modelTypes().contains(type)) {
                return f;
            }
        }
        throw new BadInputException("model_type '" + type + "' in " + source.dir().resolve("config.json") + " has no ONNX exporter; supported: "
                + String.join(", ", supportedModelTypes()));
    }

    private static void writeModel(ExportSource source, FamilyExporter family, Quantization q, Path file, Options options) throws IOException {
        OnnxGraph graph = new OnnxGraph(source.modelType() + (q == Quantization.INT8 ? "_int8" : ""));
        family.build(new Layers(graph, source, q));
        String external = graph.initializerBytes() > options.externalDataThreshold() ? file.getFileName() + "_data" : null;
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("model_type", source.modelType());
        metadata.put(OnnxRuntimeModel.MAX_INPUT_LENGTH, Integer.toString(family.maxInputLength(source)));
        metadata.put("quantization", q == Quantization.INT8 ? "dynamic int8: per-channel symmetric 7-bit int8 weights (reduce_range), per-tensor uint8 activations" : "none");
        graph.write(file, options.opset(), external, metadata, producerVersion());
        LOG.info("wrote {} ({} bytes of weights{})", file.getFileName(), graph.initializerBytes(), external == null ? "" : " in " + external);
        if (options.verify()) {
            OnnxRuntimeModel.check(file, family.inputs(source));
        }
    }

    static String producerVersion() {
        String v = OnnxExporter.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
