package io.finetune4j.models.electra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.torch.Device;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.models.FamilyTests;
import io.finetune4j.models.ReferenceOps;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElectraTest {
    static final Device CPU = Device.cpu();
    @TempDir
    Path tmp;

    static long[][] mask() {
        long[][] m = new long[2][9];
        for (int t = 0; t < 9; t++) {
            m[0][t] = 1;
            m[1][t] = t < 5 ? 1 : 0;
        }
        return m;
    }

    static double[][] referenceHidden(ReferenceOps r, ElectraConfig c, long[] ids, long[] mask) {
        int e = c.embeddingSize();
        int h = c.hiddenSize();
        long[] positions = new long[ids.length];
        for (int t = 0; t < ids.length; t++) {
            positions[t] = t;
        }
        double[][] x = ReferenceOps.add(ReferenceOps.add(r.embed("electra.embeddings.word_embeddings.weight", ids, e),
                r.embed("electra.embeddings.position_embeddings.weight", positions, e)),
                r.embed("electra.embeddings.token_type_embeddings.weight", new long[ids.length], e));
        x = r.layerNorm(x, "electra.embeddings.LayerNorm", 1e-12);
        if (e != h) {
            x = r.linear(x, "electra.embeddings_project", e, h);
        }
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            x = r.bertLayer(x, "electra.encoder.layer." + l + ".", h, c.bert().numAttentionHeads(), c.bert().intermediateSize(), mask, 1e-12);
        }
        return x;
    }

    @Test
    void discriminatorClassifierMatchesAPlainJavaReferenceAndRoundTrips() {
        for (int embeddingSize : new int[] {16, 32}) {
            ElectraConfig c = ElectraConfig.tiny(embeddingSize);
            long[][] ids = FamilyTests.randomIds(2, 9, c.vocabSize(), 6, 1);
            long[][] mask = mask();
            Path dir = tmp.resolve("cls" + embeddingSize);
            try (ElectraForSequenceClassification model = FamilyTests.scramble(ElectraForSequenceClassification.CLASS.fromConfig(c, 3, CPU), 7)) {
                assertEquals(embeddingSize != 32, model.namedParameters().containsKey("electra.embeddings_project.weight"));
                float[] djl = FamilyTests.classifierLogits(model, ids, null, mask);
                FamilyTests.roundTrip(model, dir, ids, mask);
                ReferenceOps r = new ReferenceOps(SafeTensors.readCheckpoint(dir));
                for (int b = 0; b < 2; b++) {
                    double[][] x = referenceHidden(r, c, ids[b], mask[b]);
                    double[][] d = ReferenceOps.map(r.linear(new double[][] {x[0]}, "classifier.dense", 32, 32), ReferenceOps::gelu);
                    double[] expected = r.linear(d, "classifier.out_proj", 32, 2)[0];
                    for (int k = 0; k < 2; k++) {
                        assertEquals(expected[k], djl[b * 2 + k], 1e-4, "logit [" + b + "," + k + "]");
                    }
                }
                String tree = model.printModel();
                assertTrue(tree.startsWith("ElectraForSequenceClassification(\n  (electra): ElectraModel(\n    (embeddings): ElectraEmbeddings(\n"
                        + "      (word_embeddings): Embedding(200, " + embeddingSize + ", padding_idx=0)"), tree);
                assertTrue(tree.contains("(0-1): 2 x ElectraLayer("), tree);
                assertTrue(tree.contains("(classifier): ElectraClassificationHead(\n    (dense): Linear(in_features=32, out_features=32, bias=True)\n    (activation): GELUActivation()"), tree);
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        ElectraConfig c = ElectraConfig.tiny(16);
        long[][] ids = FamilyTests.randomIds(2, 9, c.vocabSize(), 6, 1);
        try (ElectraForSequenceClassification model = FamilyTests.scramble(ElectraForSequenceClassification.CLASS.fromConfig(c, 3, CPU), 8)) {
            FamilyTests.gradientCheck(model, ids, mask(), () -> io.finetune4j.torch.Tensor.of(new long[] {1, 0}),
                    List.of("electra.embeddings_project.weight", "electra.embeddings.LayerNorm.bias",
                            "electra.encoder.layer.1.attention.self.value.weight", "classifier.dense.bias"));
        }
    }

    @Test
    void generatorMaskedLmMatchesTheReferenceAndRoundTrips() {
        ElectraConfig c = ElectraConfig.tiny(16);
        long[][] ids = FamilyTests.randomIds(2, 9, c.vocabSize(), 6, 1);
        long[][] mask = mask();
        try (ElectraForMaskedLM mlm = FamilyTests.scramble(ElectraForMaskedLM.CLASS.fromConfig(c, 4, CPU), 9)) {
            assertTrue(mlm.namedParameters().containsKey("generator_lm_head.bias"));
            assertFalse(mlm.namedParameters().containsKey("generator_lm_head.weight"), "tied to the word embeddings");
            float[] scores = FamilyTests.maskedLmLogits(mlm, ids, null, mask);
            FamilyTests.roundTrip(mlm, tmp.resolve("mlm"), ids, mask);
            ReferenceOps r = new ReferenceOps(SafeTensors.readCheckpoint(tmp.resolve("mlm")));
            double[][] x = referenceHidden(r, c, ids[0], mask[0]);
            double[][] t = r.layerNorm(ReferenceOps.map(r.linear(x, "generator_predictions.dense", 32, 16), ReferenceOps::gelu),
                    "generator_predictions.LayerNorm", 1e-12);
            double[][] out = r.linear(t, "electra.embeddings.word_embeddings.weight", "generator_lm_head.bias", 16, c.vocabSize());
            for (int v = 0; v < c.vocabSize(); v += 11) {
                assertEquals(out[3][v], scores[3 * c.vocabSize() + v], 1e-4, "score of token " + v);
            }
        }
    }
}
