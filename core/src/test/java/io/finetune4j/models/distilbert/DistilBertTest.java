package io.finetune4j.models.distilbert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.io.SafeTensors;
import io.finetune4j.models.FamilyTests;
import io.finetune4j.models.ReferenceOps;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistilBertTest {
    static final Device CPU = Device.cpu();
    @TempDir
    Path tmp;

    static long[][] mask() {
        long[][] m = new long[2][10];
        for (int t = 0; t < 10; t++) {
            m[0][t] = 1;
            m[1][t] = t < 6 ? 1 : 0;
        }
        return m;
    }

    /** DistilBERT's encoder in plain Java: word + position embeddings, post-LN blocks with q_lin … output_layer_norm. */
    static double[][] referenceHidden(ReferenceOps r, DistilBertConfig c, long[] ids, long[] mask) {
        int d = c.dim();
        long[] positions = new long[ids.length];
        for (int t = 0; t < ids.length; t++) {
            positions[t] = t;
        }
        double[][] x = ReferenceOps.add(r.embed("distilbert.embeddings.word_embeddings.weight", ids, d),
                r.embed("distilbert.embeddings.position_embeddings.weight", positions, d));
        x = r.layerNorm(x, "distilbert.embeddings.LayerNorm", 1e-12);
        for (int l = 0; l < c.nLayers(); l++) {
            String p = "distilbert.transformer.layer." + l + ".";
            double[][] ctx = ReferenceOps.attention(r.linear(x, p + "attention.q_lin", d, d), r.linear(x, p + "attention.k_lin", d, d),
                    r.linear(x, p + "attention.v_lin", d, d), c.nHeads(), mask);
            double[][] sa = r.layerNorm(ReferenceOps.add(r.linear(ctx, p + "attention.out_lin", d, d), x), p + "sa_layer_norm", 1e-12);
            double[][] ffn = r.linear(ReferenceOps.map(r.linear(sa, p + "ffn.lin1", d, c.hiddenDim()), ReferenceOps::gelu),
                    p + "ffn.lin2", c.hiddenDim(), d);
            x = r.layerNorm(ReferenceOps.add(ffn, sa), p + "output_layer_norm", 1e-12);
        }
        return x;
    }

    @Test
    void classifierMatchesAPlainJavaReferenceAndRoundTrips() {
        for (boolean sinusoidal : new boolean[] {false, true}) {
            DistilBertConfig c = DistilBertConfig.tiny(sinusoidal);
            long[][] ids = FamilyTests.randomIds(2, 10, c.vocabSize(), 6, 1);
            long[][] mask = mask();
            Path dir = tmp.resolve("cls-" + sinusoidal);
            try (DistilBertForSequenceClassification model = DistilBertForSequenceClassification.CLASS.fromConfig(c, 3, CPU)) {
                if (!sinusoidal) {
                    FamilyTests.scramble(model, 7);
                } else {
                    assertFalse(model.isTrainable("distilbert.embeddings.position_embeddings.weight"), "sinusoidal positions are frozen");
                    float[] pos = model.stateDict().get("distilbert.embeddings.position_embeddings.weight").toFloats();
                    assertEquals(Math.sin(3 / Math.pow(10000, 4.0 / 32)), pos[3 * 32 + 4], 1e-6);
                    assertEquals(Math.cos(3 / Math.pow(10000, 4.0 / 32)), pos[3 * 32 + 5], 1e-6);
                }
                float[] ours = FamilyTests.classifierLogits(model, ids, null, mask);
                FamilyTests.roundTrip(model, dir, ids, mask);
                ReferenceOps r = new ReferenceOps(SafeTensors.readCheckpoint(dir));
                for (int b = 0; b < 2; b++) {
                    double[][] h = referenceHidden(r, c, ids[b], mask[b]);
                    double[][] pooled = ReferenceOps.map(r.linear(new double[][] {h[0]}, "pre_classifier", 32, 32), v -> Math.max(0, v));
                    double[] expected = r.linear(pooled, "classifier", 32, 2)[0];
                    for (int k = 0; k < 2; k++) {
                        assertEquals(expected[k], ours[b * 2 + k], 1e-4, "logit [" + b + "," + k + "]");
                    }
                }
                String tree = model.printModel();
                assertTrue(tree.startsWith("DistilBertForSequenceClassification(\n  (distilbert): DistilBertModel(\n    (embeddings): Embeddings("), tree);
                assertTrue(tree.contains("(0-1): 2 x TransformerBlock(\n          (attention): MultiHeadSelfAttention(\n            (dropout): Dropout(p=0.1, inplace=False)\n            (q_lin): Linear(in_features=32, out_features=32, bias=True)"), tree);
                assertTrue(tree.contains("(ffn): FFN("), tree);
                assertTrue(tree.endsWith("(pre_classifier): Linear(in_features=32, out_features=32, bias=True)\n  (classifier): Linear(in_features=32, out_features=2, bias=True)\n  (dropout): Dropout(p=0.2, inplace=False)\n)"), tree);
                assertEquals(List.of("q_lin", "v_lin"), model.family().loraTargetModules());
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesAndTopLayersUnfreeze() {
        DistilBertConfig c = DistilBertConfig.tiny(false);
        long[][] ids = FamilyTests.randomIds(2, 10, c.vocabSize(), 6, 1);
        try (DistilBertForSequenceClassification model = FamilyTests.scramble(DistilBertForSequenceClassification.CLASS.fromConfig(c, 3, CPU), 8)) {
            FamilyTests.gradientCheck(model, ids, mask(), () -> Tensor.of(new long[] {1, 0}, 2),
                    List.of("distilbert.transformer.layer.0.attention.q_lin.weight", "distilbert.transformer.layer.1.ffn.lin1.bias",
                            "distilbert.transformer.layer.0.sa_layer_norm.weight", "pre_classifier.weight"));
            model.freezeAllButHead();
            assertEquals(List.of("pre_classifier.weight", "pre_classifier.bias", "classifier.weight", "classifier.bias"), model.trainableParameterNames());
            model.unfreezeTopLayers(1);
            assertTrue(model.isTrainable("distilbert.transformer.layer.1.ffn.lin2.weight"));
            assertFalse(model.isTrainable("distilbert.transformer.layer.0.ffn.lin2.weight"));
        }
    }

    @Test
    void maskedLmMatchesTheReferenceAndRoundTrips() {
        DistilBertConfig c = DistilBertConfig.tiny(false);
        long[][] ids = FamilyTests.randomIds(2, 10, c.vocabSize(), 6, 1);
        long[][] mask = mask();
        try (DistilBertForMaskedLM mlm = FamilyTests.scramble(DistilBertForMaskedLM.CLASS.fromConfig(c, 4, CPU), 9)) {
            assertTrue(mlm.namedParameters().containsKey("vocab_projector.bias"));
            assertFalse(mlm.namedParameters().containsKey("vocab_projector.weight"), "tied to the word embeddings");
            float[] scores = FamilyTests.maskedLmLogits(mlm, ids, null, mask);
            FamilyTests.roundTrip(mlm, tmp.resolve("mlm"), ids, mask);
            ReferenceOps r = new ReferenceOps(SafeTensors.readCheckpoint(tmp.resolve("mlm")));
            double[][] h = referenceHidden(r, c, ids[1], mask[1]);
            double[][] t = r.layerNorm(ReferenceOps.map(r.linear(h, "vocab_transform", 32, 32), ReferenceOps::gelu), "vocab_layer_norm", 1e-12);
            double[][] out = r.linear(t, "distilbert.embeddings.word_embeddings.weight", "vocab_projector.bias", 32, c.vocabSize());
            for (int v = 0; v < c.vocabSize(); v += 13) {
                assertEquals(out[2][v], scores[(10 + 2) * c.vocabSize() + v], 1e-4, "score of token " + v);
            }
            assertTrue(mlm.printModel().contains("(vocab_projector): Linear(in_features=32, out_features=200, bias=True)"), mlm.printModel());
        }
    }
}
