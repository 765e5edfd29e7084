package io.finetune4j.models.modernbert;

import static io.finetune4j.models.FamilyTests.classifierLogits;
import static io.finetune4j.models.FamilyTests.lengthsMask;
import static io.finetune4j.models.FamilyTests.maskedLmLogits;
import static io.finetune4j.models.FamilyTests.maxAbsDiff;
import static io.finetune4j.models.FamilyTests.randomIds;
import static io.finetune4j.models.FamilyTests.scramble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.models.FamilyTests;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.MaskedLMModel;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.models.auto.AutoConfig;
import io.finetune4j.models.auto.AutoModelForMaskedLM;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import io.finetune4j.models.auto.ModelRegistry;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ModernBERT on tiny random models: the model agrees with {@link ReferenceModernBert} within 1e-4 with the
 * local window shorter than the sequence (so sliding-window layers differ from global ones), cls and mean pooling,
 * with and without biases, in both config.json dialects; autograd agrees with finite differences of the reference;
 * save→load round-trips.
 */
class ModernBertTest {
    static final Device CPU = Device.cpu();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BASE = "\"model_type\": \"modernbert\", \"vocab_size\": 200, \"hidden_size\": 32, \"intermediate_size\": 48,"
            + " \"num_attention_heads\": 2, \"max_position_embeddings\": 64, \"pad_token_id\": 0,"
            + " \"local_attention\": 4";
    /** ModernBERT-base's settings at tiny size: no biases, global attention on layer 0, windows of ±2 on layers 1 and 2. */
    static final String BASE_STYLE = "{" + BASE + ", \"num_hidden_layers\": 3, \"global_attn_every_n_layers\": 3, \"global_rope_theta\": 160000.0,"
            + " \"local_rope_theta\": 10000.0, \"classifier_pooling\": \"cls\"}";
    /** Every bias switched on, mean pooling, another activation and pattern, other thetas. */
    static final String BIASED_MEAN = "{" + BASE + ", \"num_hidden_layers\": 4, \"global_attn_every_n_layers\": 2, \"global_rope_theta\": 500.0,"
            + " \"local_rope_theta\": 50.0, \"attention_bias\": true, \"mlp_bias\": true, \"norm_bias\": true, \"classifier_bias\": true,"
            + " \"classifier_pooling\": \"mean\", \"classifier_activation\": \"relu\", \"hidden_activation\": \"gelu_pytorch_tanh\"}";
    /** The newer config.json dialect: layer_types and rope_parameters. */
    static final String NEW_DIALECT = "{" + BASE + ", \"num_hidden_layers\": 3, \"layer_types\": [\"full_attention\", \"sliding_attention\", \"sliding_attention\"],"
            + " \"rope_parameters\": {\"full_attention\": {\"rope_type\": \"default\", \"rope_theta\": 80000.0},"
            + " \"sliding_attention\": {\"rope_type\": \"default\", \"rope_theta\": 2000.0}}}";

    @TempDir
    Path tmp;

    static ModernBertConfig config(String json) {
        try {
            return ModernBertConfig.fromJson((ObjectNode) JSON.readTree(json), "test config");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void configDefaultsAreHfsAndBothDialectsParse() throws Exception {
        ModernBertConfig d = config("{\"model_type\": \"modernbert\"}");
        assertEquals(50368, d.vocabSize());
        assertEquals(768, d.hiddenSize());
        assertEquals(1152, d.intermediateSize());
        assertEquals(22, d.numHiddenLayers());
        assertEquals(8192, d.maxPositionEmbeddings());
        assertEquals(50283, d.padTokenId());
        assertEquals(128, d.localAttention());
        assertEquals(3, d.globalAttnEveryNLayers());
        assertEquals(160000.0, d.ropeTheta(0));
        assertEquals(10000.0, d.ropeTheta(1));
        assertFalse(d.isLocal(0));
        assertTrue(d.isLocal(1) && d.isLocal(2));
        assertFalse(d.isLocal(3));
        assertFalse(d.attentionBias() || d.mlpBias() || d.normBias() || d.classifierBias());
        assertTrue(d.decoderBias() && d.tieWordEmbeddings());
        assertEquals("cls", d.classifierPooling());
        ModernBertConfig n = config(NEW_DIALECT);
        assertEquals(80000.0, n.ropeTheta(0));
        assertEquals(2000.0, n.ropeTheta(2));
        ModernBertConfig again = config(n.toJsonString());
        assertEquals(n, again);
        assertTrue(n.toJsonString().contains("\"rope_parameters\""), "newer keys are written back as read");
        assertInstanceOf(ModernBertConfig.class, AutoConfig.fromJson((ObjectNode) JSON.readTree(BASE_STYLE), "test"));
        assertEquals(List.of("Wqkv"), ModelRegistry.family("modernbert", "test").loraTargetModules());
        assertEquals("^model\\.layers\\.(2)\\.", ModelRegistry.family("modernbert", "test").layerPattern(List.of(2)));
    }

    @Test
    void badConfigValuesAreOneClearLine() {
        BadInputException e = assertThrows(BadInputException.class, () -> config("{" + BASE + ", \"num_hidden_layers\": 3, \"classifier_pooling\": \"max\"}"));
        assertTrue(e.getMessage().contains("classifier_pooling"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> config("{" + BASE
                + ", \"rope_parameters\": {\"full_attention\": {\"rope_type\": \"yarn\", \"factor\": 4}}}"));
        assertTrue(e.getMessage().contains("'yarn'"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> config("{" + BASE + ", \"num_hidden_layers\": 3, \"layer_types\": [\"full_attention\"]}"));
        assertTrue(e.getMessage().contains("layer_types has 1 entries"), e.getMessage());
    }

    private void assertClassifierMatchesReference(String json, long seed) {
        ModernBertConfig c = config(json);
        int seq = 12;
        long[][] ids = randomIds(3, seq, c.vocabSize(), seed);
        long[][] mask = lengthsMask(seq, seq, 7, 1);
        try (ModernBertForSequenceClassification model = scramble(ModernBertForSequenceClassification.random(c, seed, CPU), seed)) {
            float[] ours = classifierLogits(model, ids, null, mask);
            ReferenceModernBert ref = new ReferenceModernBert(model.stateDict(), c);
            for (int b = 0; b < ids.length; b++) {
                double[] expected = ref.logits(ids[b], mask[b]);
                double diff = maxAbsDiff(ours, expected, b * c.numLabels());
                assertTrue(diff < 1e-4, json + " row " + b + ": max |ours - reference| = " + diff);
            }
        }
    }

    @Test
    void baseStyleClassifierMatchesReference() {
        assertClassifierMatchesReference(BASE_STYLE, 3);
    }

    @Test
    void biasedMeanPoolingClassifierMatchesReference() {
        assertClassifierMatchesReference(BIASED_MEAN, 4);
    }

    @Test
    void newConfigDialectMatchesReference() {
        assertClassifierMatchesReference(NEW_DIALECT, 5);
    }

    @Test
    void theSlidingWindowMatters() {
        // Same weights, a window covering the whole sequence: different logits, so the local layers really are local.
        ModernBertConfig local = config(BASE_STYLE);
        ModernBertConfig wide = config(BASE_STYLE.replace("\"local_attention\": 4", "\"local_attention\": 64"));
        long[][] ids = randomIds(1, 12, 200, 1);
        try (ModernBertForSequenceClassification a = scramble(ModernBertForSequenceClassification.random(local, 1, CPU), 1);
                ModernBertForSequenceClassification b = scramble(ModernBertForSequenceClassification.random(wide, 1, CPU), 1)) {
            float[] la = classifierLogits(a, ids, null, null);
            float[] lb = classifierLogits(b, ids, null, null);
            assertTrue(Math.abs(la[0] - lb[0]) + Math.abs(la[1] - lb[1]) > 1e-3);
        }
    }

    @Test
    void maskedLmMatchesReferenceTiedAndUntied() {
        for (String json : List.of(BASE_STYLE, BIASED_MEAN.replace("}", ", \"tie_word_embeddings\": false, \"decoder_bias\": false}"))) {
            ModernBertConfig c = config(json);
            int seq = 10;
            long[][] ids = randomIds(2, seq, c.vocabSize(), 9);
            long[][] mask = lengthsMask(seq, seq, 6);
            try (ModernBertForMaskedLM model = scramble(ModernBertForMaskedLM.random(c, 9, CPU), 9)) {
                assertEquals(c.tieWordEmbeddings(), !model.namedParameters().containsKey("decoder.weight"));
                assertEquals(c.decoderBias(), model.namedParameters().containsKey("decoder.bias"));
                float[] ours = maskedLmLogits(model, ids, null, mask);
                ReferenceModernBert ref = new ReferenceModernBert(model.stateDict(), c);
                for (int b = 0; b < ids.length; b++) {
                    double[][] expected = ref.maskedLmLogits(ids[b], mask[b]);
                    for (int i = 0; i < seq; i++) {
                        if (mask[b][i] == 0) {
                            continue; // HF's unpadded path returns zeros there, the padded path something else: not compared
                        }
                        double diff = maxAbsDiff(ours, expected[i], (b * seq + i) * c.vocabSize());
                        assertTrue(diff < 1e-4, json + " row " + b + " pos " + i + ": max |ours - reference| = " + diff);
                    }
                }
            }
        }
    }

    @Test
    void hfParameterNames() {
        try (ModernBertForSequenceClassification model = ModernBertForSequenceClassification.random(config(BASE_STYLE), 1, CPU);
                ModernBertForSequenceClassification biased = ModernBertForSequenceClassification.random(config(BIASED_MEAN), 1, CPU)) {
            TreeSet<String> names = new TreeSet<>(model.namedParameters().keySet());
            assertTrue(names.containsAll(List.of("model.embeddings.tok_embeddings.weight", "model.embeddings.norm.weight",
                    "model.layers.0.attn.Wqkv.weight", "model.layers.0.attn.Wo.weight", "model.layers.0.mlp_norm.weight",
                    "model.layers.0.mlp.Wi.weight", "model.layers.0.mlp.Wo.weight", "model.layers.1.attn_norm.weight",
                    "model.final_norm.weight", "head.dense.weight", "head.norm.weight", "classifier.weight", "classifier.bias")), names.toString());
            assertFalse(names.contains("model.layers.0.attn_norm.weight"), "layer 0 has no attn_norm (Identity)");
            assertFalse(names.stream().anyMatch(n -> n.endsWith(".bias") && !n.startsWith("classifier.")), "no biases by default: " + names);
            assertArrayEquals(new long[] {96, 32}, model.namedParameters().get("model.layers.0.attn.Wqkv.weight").shape());
            assertArrayEquals(new long[] {96, 32}, model.namedParameters().get("model.layers.0.mlp.Wi.weight").shape());
            TreeSet<String> biasedNames = new TreeSet<>(biased.namedParameters().keySet());
            assertTrue(biasedNames.containsAll(List.of("model.layers.0.attn.Wqkv.bias", "model.layers.1.mlp.Wi.bias",
                    "model.embeddings.norm.bias", "head.dense.bias")), biasedNames.toString());
            String printed = model.printModel();
            assertTrue(printed.contains("(attn_norm): Identity()"), printed);
            assertTrue(printed.contains("(Wqkv): Linear(in_features=32, out_features=96, bias=False)"), printed);
        }
    }

    @Test
    void repeatedForwardsInsideScopesKeepWorking() {
        // Bias-free norms use a zero bias made on the first forward, inside the layer's scope; it must outlive it.
        ModernBertConfig c = config(BASE_STYLE);
        long[][] ids = randomIds(2, 8, c.vocabSize(), 3);
        try (ModernBertForSequenceClassification model = scramble(ModernBertForSequenceClassification.random(c, 2, CPU), 2)) {
            float[] first = classifierLogits(model, ids, null, null);
            try (Scope outer = Scope.open()) {
                assertArrayEquals(first, classifierLogits(model, ids, null, null), 0f);
            }
            assertArrayEquals(first, classifierLogits(model, ids, null, null), 0f);
        }
    }

    @Test
    void paddingDoesNotChangeTheLogits() {
        ModernBertConfig c = config(BIASED_MEAN);
        try (ModernBertForSequenceClassification model = scramble(ModernBertForSequenceClassification.random(c, 2, CPU), 2)) {
            long[] tokens = {1, 17, 45, 99, 102, 7, 8};
            long[][] padded = {{1, 17, 45, 99, 102, 7, 8, 0, 0, 0, 0}};
            float[] alone = classifierLogits(model, new long[][] {tokens}, null, null);
            float[] withPadding = classifierLogits(model, padded, null, lengthsMask(11, 7));
            assertArrayEquals(alone, withPadding, 1e-5f);
        }
    }

    @Test
    void autogradMatchesFiniteDifferencesOfTheReference() {
        for (String json : List.of(BASE_STYLE, BIASED_MEAN)) {
            ModernBertConfig c = config(json);
            int seq = 9;
            long[][] ids = randomIds(2, seq, c.vocabSize(), 31);
            long[][] mask = lengthsMask(seq, seq, 6);
            long[] labels = {1, 0};
            List<String> checked = List.of("model.layers.1.attn.Wqkv.weight", "model.layers.0.mlp.Wi.weight", "model.layers.2.attn.Wo.weight",
                    "model.embeddings.tok_embeddings.weight", "model.final_norm.weight", "head.dense.weight", "classifier.weight");
            try (ModernBertForSequenceClassification model = scramble(ModernBertForSequenceClassification.random(c, 12, CPU), 12)) {
                FamilyTests.gradientCheck(model, ids, null, mask, labels, checked, w -> {
                    ReferenceModernBert ref = new ReferenceModernBert(w, c);
                    double[][] logits = new double[ids.length][];
                    for (int b = 0; b < ids.length; b++) {
                        logits[b] = ref.logits(ids[b], mask[b]);
                    }
                    return FamilyTests.crossEntropy(logits, labels);
                });
            }
        }
    }

    @Test
    void saveThenLoadThroughTheRegistryGivesIdenticalLogits() throws Exception {
        ModernBertConfig c = config(NEW_DIALECT).withId2label(Map.of(0, "neg", 1, "pos"));
        long[][] ids = randomIds(2, 10, c.vocabSize(), 4);
        long[][] mask = lengthsMask(10, 10, 5);
        Path dir = tmp.resolve("cls");
        float[] before;
        try (ModernBertForSequenceClassification model = scramble(ModernBertForSequenceClassification.random(c, 8, CPU), 8)) {
            before = classifierLogits(model, ids, null, mask);
            model.savePretrained(dir);
        }
        String json = Files.readString(dir.resolve("config.json"));
        assertTrue(json.contains("\"model_type\" : \"modernbert\""), json);
        assertTrue(json.contains("\"architectures\" : [ \"ModernBertForSequenceClassification\" ]"), json);
        try (SequenceClassificationModel loaded = AutoModelForSequenceClassification.fromPretrained(dir, LoadOptions.builder().device(CPU).build())) {
            assertInstanceOf(ModernBertForSequenceClassification.class, loaded);
            assertArrayEquals(before, classifierLogits(loaded, ids, null, mask), 0f);
            assertEquals(Map.of(0, "neg", 1, "pos"), loaded.id2label());
            assertTrue(loaded.loadReport().missingKeys().isEmpty(), loaded.loadReport().missingKeys().toString());
            assertTrue(loaded.loadReport().unexpectedKeys().isEmpty(), loaded.loadReport().unexpectedKeys().toString());
        }
        Path mlmDir = tmp.resolve("mlm");
        float[] mlmBefore;
        try (ModernBertForMaskedLM mlm = scramble(ModernBertForMaskedLM.random(config(BASE_STYLE), 3, CPU), 3)) {
            mlmBefore = maskedLmLogits(mlm, ids, null, mask);
            mlm.savePretrained(mlmDir);
        }
        try (MaskedLMModel loaded = AutoModelForMaskedLM.fromPretrained(mlmDir, LoadOptions.builder().device(CPU).build())) {
            assertArrayEquals(mlmBefore, maskedLmLogits(loaded, ids, null, mask), 0f);
            assertTrue(loaded.loadReport().missingKeys().isEmpty(), loaded.loadReport().missingKeys().toString());
        }
        try (SequenceClassificationModel fromMlm = AutoModelForSequenceClassification.fromPretrained(mlmDir, LoadOptions.builder().device(CPU).build())) {
            assertEquals(List.of("classifier.bias", "classifier.weight"), fromMlm.loadReport().missingKeys());
            assertTrue(fromMlm.loadReport().unexpectedKeys().contains("decoder.bias"), fromMlm.loadReport().unexpectedKeys().toString());
        }
    }
}
