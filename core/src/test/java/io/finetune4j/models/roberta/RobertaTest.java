package io.finetune4j.models.roberta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.torch.Device;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.models.FamilyTests;
import io.finetune4j.models.ReferenceOps;
import io.finetune4j.models.auto.AutoConfig;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RobertaTest {
    static final Device CPU = Device.cpu();
    @TempDir
    Path tmp;

    /** Two rows; the second right-padded with pad id 1 (its positions must not move). */
    static long[][] ids(RobertaConfig c) {
        long[][] ids = FamilyTests.randomIds(2, 11, c.vocabSize(), 5, 3);
        for (int t = 6; t < 11; t++) {
            ids[1][t] = c.padTokenId();
        }
        return ids;
    }

    static long[][] mask(long[][] ids, int pad) {
        long[][] m = new long[ids.length][ids[0].length];
        for (int b = 0; b < ids.length; b++) {
            for (int t = 0; t < ids[b].length; t++) {
                m[b][t] = ids[b][t] == pad ? 0 : 1;
            }
        }
        return m;
    }

    /** RoBERTa's forward in plain Java: positions from the ids, BERT's layers, the head on the first token. */
    static double[] referenceLogits(ReferenceOps r, RobertaConfig c, long[] ids, long[] mask) {
        int h = c.hiddenSize();
        int pad = c.padTokenId();
        long[] positions = new long[ids.length];
        long count = 0;
        for (int t = 0; t < ids.length; t++) {
            if (ids[t] != pad) {
                count++;
                positions[t] = count + pad;
            } else {
                positions[t] = pad;
            }
        }
        double[][] x = ReferenceOps.add(ReferenceOps.add(r.embed("roberta.embeddings.word_embeddings.weight", ids, h),
                r.embed("roberta.embeddings.position_embeddings.weight", positions, h)),
                r.embed("roberta.embeddings.token_type_embeddings.weight", new long[ids.length], h));
        x = r.layerNorm(x, "roberta.embeddings.LayerNorm", c.bert().layerNormEps());
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            x = r.bertLayer(x, "roberta.encoder.layer." + l + ".", h, c.bert().numAttentionHeads(), c.bert().intermediateSize(), mask,
                    c.bert().layerNormEps());
        }
        double[][] first = ReferenceOps.map(r.linear(new double[][] {x[0]}, "classifier.dense", h, h), Math::tanh);
        return r.linear(first, "classifier.out_proj", h, c.numLabels())[0];
    }

    @Test
    void positionIdsFollowHfsCreatePositionIdsFromInputIds() {
        try (Scope step = Scope.open()) {
            long[] got = RobertaEmbeddings.createPositionIdsFromInputIds(Tensor.of(new long[] {0, 5, 6, 2, 1, 1, 1, 1, 0, 7, 2, 1}, 2, 6), 1)
                    .toLongArray();
            assertArrayEquals(new long[] {2, 3, 4, 5, 1, 1, 1, 1, 2, 3, 4, 1}, got);
        }
    }

    @Test
    void classifierMatchesAPlainJavaReferenceAndRoundTrips() {
        for (String type : List.of(RobertaConfig.MODEL_TYPE, RobertaConfig.XLM_MODEL_TYPE)) {
            RobertaConfig c = RobertaConfig.tiny(type);
            long[][] ids = ids(c);
            long[][] mask = mask(ids, c.padTokenId());
            Path dir = tmp.resolve(type);
            try (RobertaForSequenceClassification model = FamilyTests.scramble(RobertaForSequenceClassification.CLASS.fromConfig(c, 3, CPU), 7)) {
                float[] djl = FamilyTests.classifierLogits(model, ids, null, mask);
                FamilyTests.roundTrip(model, dir, ids, mask);
                ReferenceOps r = new ReferenceOps(SafeTensors.readCheckpoint(dir));
                for (int b = 0; b < 2; b++) {
                    double[] expected = referenceLogits(r, c, ids[b], mask[b]);
                    for (int k = 0; k < 2; k++) {
                        assertEquals(expected[k], djl[b * 2 + k], 1e-4, type + " logit [" + b + "," + k + "]");
                    }
                }
                String tree = model.printModel();
                String prefix = c.classPrefix();
                assertTrue(tree.startsWith(prefix + "ForSequenceClassification(\n  (roberta): " + prefix + "Model(\n    (embeddings): "
                        + prefix + "Embeddings("), tree);
                assertTrue(tree.contains("(0-1): 2 x " + prefix + "Layer("), tree);
                assertTrue(tree.contains("(classifier): " + prefix + "ClassificationHead(\n    (dense): Linear(in_features=32, out_features=32, bias=True)"), tree);
                assertEquals(type, AutoConfig.fromPretrained(dir).modelType());
                assertEquals(64, c.maxInputLength());
                assertEquals(List.of("query", "value"), model.family().loraTargetModules());
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        RobertaConfig c = RobertaConfig.tiny(RobertaConfig.MODEL_TYPE);
        long[][] ids = ids(c);
        try (RobertaForSequenceClassification model = FamilyTests.scramble(RobertaForSequenceClassification.CLASS.fromConfig(c, 3, CPU), 8)) {
            FamilyTests.gradientCheck(model, ids, mask(ids, 1), () -> Tensor.of(new long[] {1, 0}),
                    List.of("roberta.embeddings.position_embeddings.weight@" + (3 * 32 + 5), "roberta.encoder.layer.0.attention.self.query.weight",
                            "classifier.dense.weight", "classifier.out_proj.bias"));
        }
    }

    @Test
    void maskedLmHeadIsTiedAndRoundTrips() {
        RobertaConfig c = RobertaConfig.tiny(RobertaConfig.MODEL_TYPE);
        long[][] ids = ids(c);
        long[][] mask = mask(ids, 1);
        try (RobertaForMaskedLM mlm = FamilyTests.scramble(RobertaForMaskedLM.CLASS.fromConfig(c, 4, CPU), 9)) {
            assertTrue(mlm.namedParameters().containsKey("lm_head.bias"));
            assertTrue(!mlm.namedParameters().containsKey("lm_head.decoder.weight"), "the decoder is tied to the word embeddings");
            float[] scores = FamilyTests.maskedLmLogits(mlm, ids, null, mask);
            assertEquals(2L * 11 * c.vocabSize(), scores.length);
            FamilyTests.roundTrip(mlm, tmp.resolve("mlm"), ids, mask);
            // reference for one position: transform of the last hidden state, decoder = word embeddings + lm_head.bias
            ReferenceOps r = new ReferenceOps(SafeTensors.readCheckpoint(tmp.resolve("mlm")));
            int h = c.hiddenSize();
            double[][] x = ReferenceOps.add(ReferenceOps.add(r.embed("roberta.embeddings.word_embeddings.weight", ids[0], h),
                    r.embed("roberta.embeddings.position_embeddings.weight", new long[] {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, h)),
                    r.embed("roberta.embeddings.token_type_embeddings.weight", new long[11], h));
            x = r.layerNorm(x, "roberta.embeddings.LayerNorm", 1e-5);
            for (int l = 0; l < 2; l++) {
                x = r.bertLayer(x, "roberta.encoder.layer." + l + ".", h, 2, 64, mask[0], 1e-5);
            }
            double[][] t = r.layerNorm(ReferenceOps.map(r.linear(x, "lm_head.dense", h, h), ReferenceOps::gelu), "lm_head.layer_norm", 1e-5);
            double[][] out = r.linear(t, "roberta.embeddings.word_embeddings.weight", "lm_head.bias", h, c.vocabSize());
            for (int v = 0; v < c.vocabSize(); v += 17) {
                assertEquals(out[4][v], scores[4 * c.vocabSize() + v], 1e-4, "score of token " + v);
            }
        }
    }
}
