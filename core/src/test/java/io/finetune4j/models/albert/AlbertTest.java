package io.finetune4j.models.albert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.models.FamilyTests;
import io.finetune4j.models.ReferenceOps;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlbertTest {
    static final Device CPU = Device.cpu();
    @TempDir
    Path tmp;

    static long[][] mask() {
        long[][] m = new long[2][8];
        for (int t = 0; t < 8; t++) {
            m[0][t] = 1;
            m[1][t] = t < 5 ? 1 : 0;
        }
        return m;
    }

    /** ALBERT in plain Java: narrow embeddings, mapping in, layer i from group i / (layers / groups), pooler tanh, classifier. */
    static double[] referenceLogits(ReferenceOps r, AlbertConfig c, long[] ids, long[] mask) {
        int h = c.hiddenSize();
        double[][] x = hidden(r, c, ids, mask);
        double[][] pooled = ReferenceOps.map(r.linear(new double[][] {x[0]}, "albert.pooler", h, h), Math::tanh);
        return r.linear(pooled, "classifier", h, c.numLabels())[0];
    }

    static double[][] hidden(ReferenceOps r, AlbertConfig c, long[] ids, long[] mask) {
        int e = c.embeddingSize();
        int h = c.hiddenSize();
        long[] positions = new long[ids.length];
        for (int t = 0; t < ids.length; t++) {
            positions[t] = t;
        }
        double[][] x = ReferenceOps.add(ReferenceOps.add(r.embed("albert.embeddings.word_embeddings.weight", ids, e),
                r.embed("albert.embeddings.position_embeddings.weight", positions, e)),
                r.embed("albert.embeddings.token_type_embeddings.weight", new long[ids.length], e));
        x = r.layerNorm(x, "albert.embeddings.LayerNorm", 1e-12);
        x = r.linear(x, "albert.encoder.embedding_hidden_mapping_in", e, h);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "albert.encoder.albert_layer_groups." + (i / (c.numHiddenLayers() / c.numHiddenGroups())) + ".albert_layers.0.";
            double[][] ctx = ReferenceOps.attention(r.linear(x, p + "attention.query", h, h), r.linear(x, p + "attention.key", h, h),
                    r.linear(x, p + "attention.value", h, h), c.numAttentionHeads(), mask);
            double[][] a = r.layerNorm(ReferenceOps.add(x, r.linear(ctx, p + "attention.dense", h, h)), p + "attention.LayerNorm", 1e-12);
            double[][] ffn = r.linear(ReferenceOps.map(r.linear(a, p + "ffn", h, c.intermediateSize()), ReferenceOps::geluNew),
                    p + "ffn_output", c.intermediateSize(), h);
            x = r.layerNorm(ReferenceOps.add(ffn, a), p + "full_layer_layer_norm", 1e-12);
        }
        return x;
    }

    @Test
    void sharedLayerGroupsMatchAPlainJavaReferenceAndRoundTrip() {
        for (int groups : new int[] {1, 2}) {
            AlbertConfig c = AlbertConfig.tiny(groups);
            long[][] ids = FamilyTests.randomIds(2, 8, c.vocabSize(), 6, 1);
            long[][] mask = mask();
            Path dir = tmp.resolve("cls" + groups);
            try (AlbertForSequenceClassification model = FamilyTests.scramble(AlbertForSequenceClassification.CLASS.fromConfig(c, 3, CPU), 7)) {
                assertEquals(groups == 2, model.namedParameters().containsKey("albert.encoder.albert_layer_groups.1.albert_layers.0.ffn.weight"));
                float[] ours = FamilyTests.classifierLogits(model, ids, null, mask);
                FamilyTests.roundTrip(model, dir, ids, mask);
                ReferenceOps r = new ReferenceOps(SafeTensors.readCheckpoint(dir));
                for (int b = 0; b < 2; b++) {
                    double[] expected = referenceLogits(r, c, ids[b], mask[b]);
                    for (int k = 0; k < 2; k++) {
                        assertEquals(expected[k], ours[b * 2 + k], 1e-4, groups + " groups, logit [" + b + "," + k + "]");
                    }
                }
                String tree = model.printModel();
                assertTrue(tree.startsWith("AlbertForSequenceClassification(\n  (albert): AlbertModel(\n    (embeddings): AlbertEmbeddings("), tree);
                assertTrue(tree.contains("(encoder): AlbertTransformer(\n      (embedding_hidden_mapping_in): Linear(in_features=16, out_features=32, bias=True)\n      (albert_layer_groups): ModuleList("), tree);
                assertTrue(tree.contains("(activation): NewGELUActivation()"), tree);
                assertTrue(tree.contains("(pooler): Linear(in_features=32, out_features=32, bias=True)\n    (pooler_activation): Tanh()"), tree);
                assertThrows(BadInputException.class, () -> model.unfreezeTopLayers(1), "layers share parameters");
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        AlbertConfig c = AlbertConfig.tiny(2);
        long[][] ids = FamilyTests.randomIds(2, 8, c.vocabSize(), 6, 1);
        try (AlbertForSequenceClassification model = FamilyTests.scramble(AlbertForSequenceClassification.CLASS.fromConfig(c, 3, CPU), 8)) {
            FamilyTests.gradientCheck(model, ids, mask(), () -> Tensor.of(new long[] {1, 0}, 2),
                    List.of("albert.encoder.embedding_hidden_mapping_in.weight", "albert.encoder.albert_layer_groups.0.albert_layers.0.attention.query.weight",
                            "albert.encoder.albert_layer_groups.1.albert_layers.0.ffn.bias", "albert.pooler.weight"));
        }
    }

    @Test
    void maskedLmHeadMatchesTheReferenceAndRoundTrips() {
        AlbertConfig c = AlbertConfig.tiny(1);
        long[][] ids = FamilyTests.randomIds(2, 8, c.vocabSize(), 6, 1);
        long[][] mask = mask();
        try (AlbertForMaskedLM mlm = FamilyTests.scramble(AlbertForMaskedLM.CLASS.fromConfig(c, 4, CPU), 9)) {
            assertTrue(mlm.namedParameters().containsKey("predictions.bias"));
            float[] scores = FamilyTests.maskedLmLogits(mlm, ids, null, mask);
            FamilyTests.roundTrip(mlm, tmp.resolve("mlm"), ids, mask);
            ReferenceOps r = new ReferenceOps(SafeTensors.readCheckpoint(tmp.resolve("mlm")));
            double[][] x = hidden(r, c, ids[0], mask[0]);
            double[][] t = r.layerNorm(ReferenceOps.map(r.linear(x, "predictions.dense", 32, 16), ReferenceOps::geluNew), "predictions.LayerNorm", 1e-12);
            double[][] out = r.linear(t, "albert.embeddings.word_embeddings.weight", "predictions.bias", 16, c.vocabSize());
            for (int v = 0; v < c.vocabSize(); v += 7) {
                assertEquals(out[2][v], scores[2 * c.vocabSize() + v], 1e-4, "score of token " + v);
            }
        }
    }
}
