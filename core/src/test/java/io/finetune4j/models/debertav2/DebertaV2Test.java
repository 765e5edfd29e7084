package io.finetune4j.models.debertav2;

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
import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.Tensor;
import io.finetune4j.models.FamilyTests;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.MaskedLMModel;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.models.auto.AutoConfig;
import io.finetune4j.models.auto.AutoModelForMaskedLM;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import io.finetune4j.models.auto.ModelRegistry;
import io.finetune4j.torch.Autograd;
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
 * DeBERTa-v2/v3 on tiny random models: the model agrees with {@link ReferenceDebertaV2} within 1e-4 for the
 * variants HF's config allows (v3: log buckets, shared keys, LayerNorm'd relative embeddings; v2-xlarge: + ConvLayer;
 * DeBERTa-v1 style: separate position projections, clamped distances, absolute positions, token types, embed_proj,
 * grouped conv; no relative attention), autograd agrees with finite differences of the reference, and save→load
 * round-trips.
 */
class DebertaV2Test {
    static final Device CPU = Device.cpu();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BASE = "\"model_type\": \"deberta-v2\", \"vocab_size\": 200, \"hidden_size\": 32, \"num_hidden_layers\": 2,"
            + " \"num_attention_heads\": 2, \"intermediate_size\": 64, \"max_position_embeddings\": 64, \"hidden_dropout_prob\": 0.0,"
            + " \"attention_probs_dropout_prob\": 0.0, \"layer_norm_eps\": 1e-7, \"pooler_hidden_size\": 32, \"pooler_dropout\": 0";
    /** DeBERTa-v3's settings (microsoft/deberta-v3-base) at tiny size; 8 buckets make distances >= 4 logarithmic. */
    static final String V3 = "{" + BASE + ", \"relative_attention\": true, \"position_buckets\": 8, \"max_relative_positions\": -1,"
            + " \"pos_att_type\": \"p2c|c2p\", \"share_att_key\": true, \"norm_rel_ebd\": \"layer_norm\", \"position_biased_input\": false,"
            + " \"type_vocab_size\": 0, \"hidden_act\": \"gelu\", \"pooler_hidden_act\": \"gelu\"}";
    /** deberta-v2-xlarge's settings: v3's plus the ConvLayer (kernel 3, gelu). */
    static final String V2_XLARGE = "{" + BASE + ", \"relative_attention\": true, \"position_buckets\": 8, \"pos_att_type\": \"p2c|c2p\","
            + " \"share_att_key\": true, \"norm_rel_ebd\": \"layer_norm\", \"position_biased_input\": false, \"conv_kernel_size\": 3,"
            + " \"conv_act\": \"gelu\", \"type_vocab_size\": 0}";
    /** Original-DeBERTa style: no buckets, distances clamped at 6, separate pos projections, absolute positions, types, embed_proj, grouped conv. */
    static final String V1_STYLE = "{" + BASE + ", \"relative_attention\": true, \"max_relative_positions\": 6, \"pos_att_type\": [\"c2p\", \"p2c\"],"
            + " \"position_biased_input\": true, \"type_vocab_size\": 2, \"embedding_size\": 24, \"conv_kernel_size\": 3, \"conv_groups\": 2,"
            + " \"hidden_act\": \"gelu_new\", \"pooler_hidden_act\": \"tanh\"}";
    /** No relative attention; pos_att_type still counts in the scale, as in HF. */
    static final String NO_RELATIVE = "{" + BASE + ", \"relative_attention\": false, \"pos_att_type\": [\"c2p\"], \"type_vocab_size\": 2}";

    @TempDir
    Path tmp;

    static DebertaV2Config config(String json) {
        try {
            return DebertaV2Config.fromJson((ObjectNode) JSON.readTree(json), "test config");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static long[][] types(int batch, int seq, int from) {
        long[][] t = new long[batch][seq];
        for (long[] row : t) {
            for (int i = from; i < seq; i++) {
                row[i] = 1;
            }
        }
        return t;
    }

    @Test
    void v3ConfigParsesWithHfDefaultsAndRoundTrips() throws Exception {
        DebertaV2Config c = config(V3);
        assertEquals(List.of("p2c", "c2p"), c.posAttType());
        assertEquals(8, c.posEbdSize());
        assertEquals(64, c.effectiveMaxRelativePositions());
        assertTrue(c.shareAttKey() && c.normRelEmbeddings() && c.legacy());
        assertEquals(0, c.convKernelSize());
        assertEquals(0.0, c.effectiveClassifierDropout()); // cls_dropout absent → hidden_dropout_prob
        DebertaV2Config defaults = config("{\"model_type\": \"deberta-v2\"}");
        assertEquals(128100, defaults.vocabSize());
        assertEquals(1536, defaults.hiddenSize());
        assertEquals(1e-7, defaults.layerNormEps());
        assertFalse(defaults.relativeAttention());
        assertTrue(defaults.positionBiasedInput());
        assertEquals(-1, defaults.positionBuckets());
        assertEquals("gelu", defaults.poolerHiddenAct());
        DebertaV2Config again = config(c.toJsonString());
        assertEquals(c, again);
        String json = c.toJsonString();
        assertTrue(json.contains("\"position_buckets\" : 8"), json);
        assertFalse(json.contains("conv_kernel_size"), "absent getattr fields stay absent: " + json);
        assertInstanceOf(DebertaV2Config.class, AutoConfig.fromJson((ObjectNode) JSON.readTree(V3), "test"));
        assertTrue(ModelRegistry.modelTypes().contains("deberta-v2"));
        assertEquals(List.of("query_proj", "value_proj"), ModelRegistry.family("deberta-v2", "test").loraTargetModules());
        assertEquals("^deberta\\.encoder\\.layer\\.(1)\\.", ModelRegistry.family("deberta-v2", "test").layerPattern(List.of(1)));
    }

    @Test
    void badConfigValuesAreOneClearLine() {
        BadInputException e = assertThrows(BadInputException.class, () -> config("{" + BASE + ", \"pos_att_type\": \"c2p|p2p\"}"));
        assertTrue(e.getMessage().contains("pos_att_type 'p2p'"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> config("{" + BASE + ", \"hidden_act\": \"mish\"}"));
        assertTrue(e.getMessage().contains("'mish'"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> config("{" + BASE + ", \"norm_rel_ebd\": \"batch_norm\"}"));
        assertTrue(e.getMessage().contains("norm_rel_ebd"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> config("{" + BASE + ", \"num_attention_heads\": 3}"));
        assertTrue(e.getMessage().contains("num_attention_heads 3"), e.getMessage());
    }

    @Test
    void logBucketsFollowHfsFormula() {
        // HF: make_log_bucket_position(rel, 256, 512): |rel| <= 128 unchanged, beyond that log-spaced up to 255.
        assertEquals(0, RelativePositions.logBucket(0, 256, 512));
        assertEquals(128, RelativePositions.logBucket(128, 256, 512));
        assertEquals(-128, RelativePositions.logBucket(-128, 256, 512));
        assertEquals(255, RelativePositions.logBucket(511, 256, 512));
        assertEquals(-255, RelativePositions.logBucket(-511, 256, 512));
        assertEquals(129, RelativePositions.logBucket(129, 256, 512));
        long previous = 128;
        for (int d = 129; d < 512; d++) {
            long b = RelativePositions.logBucket(d, 256, 512);
            assertTrue(b >= previous && b <= 255, "monotone at " + d);
            assertEquals(-b, RelativePositions.logBucket(-d, 256, 512));
            assertEquals(b, ReferenceDebertaV2.logBucket(d, 256, 512), "reference agrees at " + d);
            previous = b;
        }
    }

    private void assertClassifierMatchesReference(String json, long seed) {
        DebertaV2Config c = config(json);
        int seq = 19;
        long[][] ids = randomIds(3, seq, c.vocabSize(), seed);
        long[][] mask = lengthsMask(seq, seq, 11, 1);
        long[][] types = c.typeVocabSize() > 0 ? types(3, seq, 7) : null;
        try (DebertaV2ForSequenceClassification model = scramble(DebertaV2ForSequenceClassification.random(c, seed, CPU), seed)) {
            float[] ours = classifierLogits(model, ids, types, mask);
            ReferenceDebertaV2 ref = new ReferenceDebertaV2(model.stateDict(), c);
            for (int b = 0; b < ids.length; b++) {
                double[] expected = ref.logits(ids[b], types == null ? null : types[b], mask[b]);
                double diff = maxAbsDiff(ours, expected, b * c.numLabels());
                assertTrue(diff < 1e-4, json + " row " + b + ": max |ours - reference| = " + diff);
            }
        }
    }

    @Test
    void v3ClassifierMatchesReference() {
        assertClassifierMatchesReference(V3, 3);
    }

    @Test
    void v2XlargeStyleWithConvLayerMatchesReference() {
        assertClassifierMatchesReference(V2_XLARGE, 4);
    }

    @Test
    void originalDebertaStyleMatchesReference() {
        assertClassifierMatchesReference(V1_STYLE, 5);
    }

    @Test
    void withoutRelativeAttentionMatchesReference() {
        assertClassifierMatchesReference(NO_RELATIVE, 6);
    }

    private void assertMaskedLmMatchesReference(String json, long seed) {
        DebertaV2Config c = config(json);
        int seq = 13;
        long[][] ids = randomIds(2, seq, c.vocabSize(), seed);
        long[][] mask = lengthsMask(seq, seq, 8);
        try (MaskedLMModel model = scramble(DebertaV2ForMaskedLM.random(c, seed, CPU), seed)) {
            float[] ours = maskedLmLogits(model, ids, null, mask);
            ReferenceDebertaV2 ref = new ReferenceDebertaV2(model.stateDict(), c);
            for (int b = 0; b < ids.length; b++) {
                double[][] expected = ref.maskedLmLogits(ids[b], null, mask[b]);
                for (int i = 0; i < seq; i++) {
                    if (mask[b][i] == 0) {
                        continue; // padded positions are not compared (HF's older XSoftmax zeroed them, newer does not)
                    }
                    double diff = maxAbsDiff(ours, expected[i], (b * seq + i) * c.vocabSize());
                    assertTrue(diff < 1e-4, json + " row " + b + " pos " + i + ": max |ours - reference| = " + diff);
                }
            }
        }
    }

    @Test
    void legacyMaskedLmHeadMatchesReference() {
        assertMaskedLmMatchesReference(V3, 7);
        assertMaskedLmMatchesReference(V1_STYLE, 8); // transform dense goes hidden → embedding_size, decoder ties at 24
    }

    @Test
    void lmPredictionsHeadMatchesReference() {
        String nonLegacy = V3.substring(0, V3.length() - 1) + ", \"legacy\": false}";
        assertMaskedLmMatchesReference(nonLegacy, 9);
        try (DebertaV2ForMaskedLM model = DebertaV2ForMaskedLM.random(config(nonLegacy), 1, CPU)) {
            assertTrue(model.namedParameters().containsKey("lm_predictions.lm_head.bias"));
            assertTrue(model.namedParameters().containsKey("lm_predictions.lm_head.LayerNorm.weight"));
            assertFalse(model.namedParameters().keySet().stream().anyMatch(k -> k.startsWith("cls.")));
        }
    }

    @Test
    void hfParameterNames() {
        try (DebertaV2ForSequenceClassification v3 = DebertaV2ForSequenceClassification.random(config(V3), 1, CPU);
                DebertaV2ForSequenceClassification v1 = DebertaV2ForSequenceClassification.random(config(V1_STYLE), 1, CPU);
                DebertaV2ForMaskedLM mlm = DebertaV2ForMaskedLM.random(config(V3), 1, CPU)) {
            TreeSet<String> names = new TreeSet<>(v3.namedParameters().keySet());
            assertTrue(names.containsAll(List.of("deberta.embeddings.word_embeddings.weight", "deberta.embeddings.LayerNorm.weight",
                    "deberta.encoder.rel_embeddings.weight", "deberta.encoder.LayerNorm.bias",
                    "deberta.encoder.layer.1.attention.self.query_proj.weight", "deberta.encoder.layer.1.attention.self.value_proj.bias",
                    "deberta.encoder.layer.0.attention.output.dense.weight", "deberta.encoder.layer.0.intermediate.dense.weight",
                    "deberta.encoder.layer.0.output.LayerNorm.weight", "pooler.dense.weight", "classifier.weight")), names.toString());
            assertFalse(names.stream().anyMatch(n -> n.contains("pos_key_proj") || n.contains("position_embeddings")), names.toString());
            assertArrayEquals(new long[] {16, 32}, v3.namedParameters().get("deberta.encoder.rel_embeddings.weight").shape());
            TreeSet<String> v1Names = new TreeSet<>(v1.namedParameters().keySet());
            assertTrue(v1Names.containsAll(List.of("deberta.embeddings.position_embeddings.weight", "deberta.embeddings.token_type_embeddings.weight",
                    "deberta.embeddings.embed_proj.weight", "deberta.encoder.layer.0.attention.self.pos_key_proj.weight",
                    "deberta.encoder.layer.0.attention.self.pos_query_proj.bias", "deberta.encoder.conv.conv.weight",
                    "deberta.encoder.conv.LayerNorm.weight")), v1Names.toString());
            assertFalse(v1Names.contains("deberta.embeddings.embed_proj.bias"), "embed_proj has bias=False in HF");
            assertArrayEquals(new long[] {32, 16, 3}, v1.namedParameters().get("deberta.encoder.conv.conv.weight").shape());
            assertTrue(mlm.namedParameters().keySet().containsAll(List.of("cls.predictions.bias", "cls.predictions.transform.dense.weight",
                    "cls.predictions.transform.LayerNorm.weight")));
            assertFalse(mlm.namedParameters().containsKey("cls.predictions.decoder.weight"), "the decoder is tied to the word embeddings");
            String printed = v3.printModel();
            assertTrue(printed.contains("DisentangledSelfAttention("), printed);
            assertTrue(printed.contains("(rel_embeddings): Embedding(16, 32)"), printed);
        }
    }

    @Test
    void paddingDoesNotChangeTheLogits() {
        DebertaV2Config c = config(V2_XLARGE);
        try (DebertaV2ForSequenceClassification model = scramble(DebertaV2ForSequenceClassification.random(c, 2, CPU), 2)) {
            long[] tokens = {1, 17, 45, 99, 102, 7, 8};
            long[][] padded = {{1, 17, 45, 99, 102, 7, 8, 0, 0, 0, 0}};
            float[] alone = classifierLogits(model, new long[][] {tokens}, null, null);
            float[] withPadding = classifierLogits(model, padded, null, lengthsMask(11, 7));
            assertArrayEquals(alone, withPadding, 1e-5f);
            float[] unmasked = classifierLogits(model, padded, null, null);
            assertTrue(Math.abs(unmasked[0] - alone[0]) + Math.abs(unmasked[1] - alone[1]) > 1e-3, "the mask must matter");
        }
    }

    @Test
    void autogradMatchesFiniteDifferencesOfTheReference() {
        for (String json : List.of(V3, V1_STYLE)) {
            DebertaV2Config c = config(json);
            int seq = 9;
            long[][] ids = randomIds(2, seq, c.vocabSize(), 31);
            long[][] mask = lengthsMask(seq, seq, 6);
            long[][] types = c.typeVocabSize() > 0 ? types(2, seq, 4) : null;
            long[] labels = {1, 0};
            List<String> checked = json.equals(V3)
                    ? List.of("deberta.encoder.rel_embeddings.weight", "deberta.encoder.LayerNorm.weight",
                            "deberta.encoder.layer.0.attention.self.key_proj.weight", "deberta.embeddings.word_embeddings.weight",
                            "pooler.dense.weight", "classifier.bias")
                    : List.of("deberta.encoder.layer.1.attention.self.pos_key_proj.weight",
                            "deberta.encoder.layer.0.attention.self.pos_query_proj.weight", "deberta.encoder.conv.conv.weight",
                            "deberta.embeddings.embed_proj.weight", "deberta.embeddings.position_embeddings.weight");
            try (DebertaV2ForSequenceClassification model = scramble(DebertaV2ForSequenceClassification.random(c, 12, CPU), 12)) {
                FamilyTests.gradientCheck(model, ids, types, mask, labels, checked, w -> {
                    ReferenceDebertaV2 ref = new ReferenceDebertaV2(w, c);
                    double[][] logits = new double[ids.length][];
                    for (int b = 0; b < ids.length; b++) {
                        logits[b] = ref.logits(ids[b], types == null ? null : types[b], mask[b]);
                    }
                    return FamilyTests.crossEntropy(logits, labels);
                });
            }
        }
    }

    @Test
    void lossFollowsDebertasOwnRulesWithoutProblemType() {
        DebertaV2Config c = config(V3).withNumLabels(3);
        long[][] ids = randomIds(3, 6, c.vocabSize(), 2);
        try (DebertaV2ForSequenceClassification model = scramble(DebertaV2ForSequenceClassification.random(c, 2, CPU), 2);
                Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
            io.finetune4j.torch.Tensor inputIds = io.finetune4j.torch.Tensor.of(java.util.Arrays.stream(ids).flatMapToLong(java.util.Arrays::stream).toArray(), 3, 6);
            float[] z = model.logits(inputIds, null, null, false).toFloatArray();
            double[][] logits = {{z[0], z[1], z[2]}, {z[3], z[4], z[5]}, {z[6], z[7], z[8]}};
            // Negative labels are ignored: the mean over rows 0 and 2 only.
            double expected = (FamilyTests.crossEntropy(new double[][] {logits[0]}, new long[] {2})
                    + FamilyTests.crossEntropy(new double[][] {logits[2]}, new long[] {0})) / 2;
            io.finetune4j.torch.Tensor labels = io.finetune4j.torch.Tensor.of(new long[] {2, -1, 0});
            double got = model.forward(inputIds, null, null, labels, false).loss().item();
            assertEquals(expected, got, 1e-5);
            // Label distributions: -(log_softmax · p).sum(-1).mean().
            float[] p = {0.5f, 0.5f, 0f, 0f, 0f, 1f, 0.2f, 0.3f, 0.5f};
            double soft = 0;
            for (int b = 0; b < 3; b++) {
                for (int k = 0; k < 3; k++) {
                    soft += p[b * 3 + k] * FamilyTests.crossEntropy(new double[][] {logits[b]}, new long[] {k});
                }
            }
            io.finetune4j.torch.Tensor distributions = io.finetune4j.torch.Tensor.of(p, 3, 3);
            got = model.forward(inputIds, null, null, distributions, false).loss().item();
            assertEquals(soft / 3, got, 1e-5);
        }
    }

    @Test
    void saveThenLoadThroughTheRegistryGivesIdenticalLogits() throws Exception {
        DebertaV2Config c = config(V1_STYLE).withId2label(Map.of(0, "neg", 1, "pos"));
        long[][] ids = randomIds(2, 10, c.vocabSize(), 4);
        long[][] types = types(2, 10, 5);
        Path dir = tmp.resolve("cls");
        float[] before;
        try (DebertaV2ForSequenceClassification model = scramble(DebertaV2ForSequenceClassification.random(c, 8, CPU), 8)) {
            before = classifierLogits(model, ids, types, null);
            model.savePretrained(dir);
        }
        String json = Files.readString(dir.resolve("config.json"));
        assertTrue(json.contains("\"model_type\" : \"deberta-v2\""), json);
        assertTrue(json.contains("\"architectures\" : [ \"DebertaV2ForSequenceClassification\" ]"), json);
        assertTrue(json.contains("\"conv_groups\" : 2"), json);
        Map<String, Tensor> saved = SafeTensors.readCheckpoint(dir);
        assertArrayEquals(new long[] {32, 16, 3}, saved.get("deberta.encoder.conv.conv.weight").shape());
        try (SequenceClassificationModel loaded = AutoModelForSequenceClassification.fromPretrained(dir, LoadOptions.builder().device(CPU).build())) {
            assertInstanceOf(DebertaV2ForSequenceClassification.class, loaded);
            assertArrayEquals(before, classifierLogits(loaded, ids, types, null), 0f);
            assertEquals(Map.of(0, "neg", 1, "pos"), loaded.id2label());
            assertTrue(loaded.loadReport().missingKeys().isEmpty(), loaded.loadReport().missingKeys().toString());
            assertTrue(loaded.loadReport().unexpectedKeys().isEmpty(), loaded.loadReport().unexpectedKeys().toString());
        }
        // The MLM head round-trips too, and a classifier loads from the MLM checkpoint with only its head missing.
        Path mlmDir = tmp.resolve("mlm");
        long[][] mask = lengthsMask(10, 10, 6);
        float[] mlmBefore;
        try (DebertaV2ForMaskedLM mlm = scramble(DebertaV2ForMaskedLM.random(config(V3), 3, CPU), 3)) {
            mlmBefore = maskedLmLogits(mlm, ids, null, mask);
            mlm.savePretrained(mlmDir);
        }
        try (MaskedLMModel loaded = AutoModelForMaskedLM.fromPretrained(mlmDir, LoadOptions.builder().device(CPU).build())) {
            assertArrayEquals(mlmBefore, maskedLmLogits(loaded, ids, null, mask), 0f);
            assertTrue(loaded.loadReport().missingKeys().isEmpty(), loaded.loadReport().missingKeys().toString());
        }
        try (SequenceClassificationModel fromMlm = AutoModelForSequenceClassification.fromPretrained(mlmDir, LoadOptions.builder().device(CPU).build())) {
            assertEquals(List.of("classifier.bias", "classifier.weight", "pooler.dense.bias", "pooler.dense.weight"),
                    fromMlm.loadReport().missingKeys());
        }
    }
}
