package io.finetune4j.models.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.LoadReport;
import io.finetune4j.models.ReferenceOps;
import io.finetune4j.models.SequenceClassifier;
import io.finetune4j.models.SequenceClassifierOutput;
import io.finetune4j.nn.GELUActivation;
import io.finetune4j.nn.Losses;
import io.finetune4j.nn.ModuleList;
import io.finetune4j.nn.Parameter;
import io.finetune4j.nn.Tanh;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class BertForSequenceClassificationTest {
    static final Device CPU = Device.cpu();

    @TempDir
    Path tmp;

    public static long[][] randomIds(int batch, int seq, int vocab, long seed) {
        Random r = new Random(seed);
        long[][] out = new long[batch][seq];
        for (long[] row : out) {
            row[0] = 101 % vocab;
            for (int i = 1; i < seq; i++) {
                row[i] = 1 + r.nextInt(vocab - 1);
            }
        }
        return out;
    }

    static long[][] fill(int batch, int seq, long v) {
        long[][] out = new long[batch][seq];
        for (long[] row : out) {
            java.util.Arrays.fill(row, v);
        }
        return out;
    }

    /** A tiny model whose every parameter is random (not HF's 1/0 LayerNorm init), so the parity test checks everything. */
    static BertForSequenceClassification scrambled(BertConfig c, long seed) {
        BertForSequenceClassification model = BertForSequenceClassification.random(c, seed, CPU);
        Random r = new Random(seed);
        Map<String, io.finetune4j.io.Tensor> w = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> {
            float[] v = new float[(int) io.finetune4j.io.Tensor.numel(p.shape())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 0.3 + (name.endsWith("LayerNorm.weight") ? 1 : 0));
            }
            w.put(name, io.finetune4j.io.Tensor.ofFloats(p.shape(), v));
        });
        model.loadWeights(w);
        return model;
    }

    static float[] logits(SequenceClassifier model, long[][] idRows, long[][] maskRows) {
        try (Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
            Tensor out = model.logits(tensor(idRows), null, maskRows == null ? null : tensor(maskRows), false);
            return out.toFloatArray();
        }
    }

    /** {@code torch.tensor(rows)}: int64 {@code [rows, columns]}. */
    static Tensor tensor(long[][] rows) {
        return Tensor.of(java.util.Arrays.stream(rows).flatMapToLong(java.util.Arrays::stream).toArray(), rows.length, rows[0].length);
    }

    @Test
    void forwardShapesForSeveralSequenceLengths() {
        BertConfig c = BertConfig.tiny();
        try (BertForSequenceClassification model = BertForSequenceClassification.random(c, 1, CPU)) {
            for (int seq : new int[] {1, 7, 33, 64}) {
                try (Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
                    Tensor out = model.logits(tensor(randomIds(3, seq, c.vocabSize(), seq)), Tensor.zeros(DType.INT64, 3, seq),
                            tensor(fill(3, seq, 1)), false);
                    assertArrayEquals(new long[] {3, 2}, out.shape());
                }
            }
            // The logits belong to the caller's scope: they survive the layers' scopes and are freed with the caller's.
            Tensor kept;
            Tensor inScope;
            try (Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
                inScope = model.logits(tensor(randomIds(2, 5, c.vocabSize(), 1)), null, null, false);
                kept = step.keep(model.logits(tensor(randomIds(2, 5, c.vocabSize(), 1)), null, null, false));
                assertArrayEquals(new long[] {2, 2}, inScope.shape());
            }
            assertTrue(inScope.isClosed(), "logits left in the step scope are freed with it");
            assertEquals(4, kept.toFloatArray().length);
            kept.close();
            try (Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
                BadInputException e = assertThrows(BadInputException.class,
                        () -> model.logits(tensor(randomIds(1, 65, c.vocabSize(), 1)), null, null, false));
                assertTrue(e.getMessage().contains("max_position_embeddings 64"), e.getMessage());
            }
        }
    }

    @Test
    void paddingPositionsDoNotChangeTheLogits() {
        BertConfig c = BertConfig.tiny();
        try (BertForSequenceClassification model = scrambled(c, 7)) {
            long[] tokens = {101, 17, 45, 99, 102};
            long[][] padded = {{101, 17, 45, 99, 102, 0, 0, 0, 0, 0, 0}};
            long[][] mask = {{1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0}};
            float[] short_ = logits(model, new long[][] {tokens}, new long[][] {{1, 1, 1, 1, 1}});
            float[] long_ = logits(model, padded, mask);
            assertArrayEquals(short_, long_, 1e-5f);
            // Without the mask the padding does change them: the test can fail.
            float[] unmasked = logits(model, padded, null);
            assertTrue(Math.abs(unmasked[0] - short_[0]) + Math.abs(unmasked[1] - short_[1]) > 1e-3);
        }
    }

    @Test
    void dropoutOnlyWhenTraining() {
        BertConfig c = BertConfig.tiny().withDropout(0.3, 0.3);
        try (BertForSequenceClassification model = BertForSequenceClassification.random(c, 3, CPU);
                Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
            Tensor input = tensor(randomIds(4, 12, c.vocabSize(), 5));
            float[] a = model.logits(input, null, null, false).toFloatArray();
            float[] b = model.logits(input, null, null, false).toFloatArray();
            assertArrayEquals(a, b, 0f);
            float[] t1 = model.logits(input, null, null, true).toFloatArray();
            float[] t2 = model.logits(input, null, null, true).toFloatArray();
            assertFalse(java.util.Arrays.equals(t1, t2), "training forward must be stochastic");
            assertFalse(java.util.Arrays.equals(a, t1));
        }
    }

    @Test
    void saveThenLoadGivesIdenticalLogitsAndConfig() throws Exception {
        BertConfig c = BertConfig.tiny().withId2label(Map.of(0, "neg", 1, "pos"));
        long[][] input = randomIds(2, 9, c.vocabSize(), 11);
        Path dir = tmp.resolve("saved");
        float[] before;
        try (BertForSequenceClassification model = scrambled(c, 5)) {
            before = logits(model, input, null);
            model.savePretrained(dir);
        }
        String json = Files.readString(dir.resolve("config.json"));
        assertTrue(json.contains("\"architectures\" : [ \"BertForSequenceClassification\" ]"), json);
        assertTrue(json.contains("\"label2id\""), json);
        assertTrue(json.contains("\"model_type\" : \"bert\""), json);
        Map<String, io.finetune4j.io.Tensor> saved = SafeTensors.readWithMetadata(dir.resolve("model.safetensors")).tensors();
        assertEquals("pt", SafeTensors.readWithMetadata(dir.resolve("model.safetensors")).metadata().get("format"));
        assertEquals(io.finetune4j.io.Tensor.DType.F32, saved.get("classifier.weight").dtype());
        assertArrayEquals(new long[] {2, 32}, saved.get("classifier.weight").shape());
        try (BertForSequenceClassification loaded = BertForSequenceClassification.fromPretrained(dir, LoadOptions.builder().device(CPU).build())) {
            assertArrayEquals(before, logits(loaded, input, null), 0f);
            assertEquals(Map.of(0, "neg", 1, "pos"), loaded.id2label());
            assertTrue(loaded.loadReport().missingKeys().isEmpty());
            assertTrue(loaded.loadReport().unexpectedKeys().isEmpty());
            assertTrue(loaded.loadReport().warnings().isEmpty());
            // Tokenizer files travel with a re-save.
            Files.writeString(dir.resolve("vocab.txt"), "[PAD]\n");
        }
        try (BertForSequenceClassification again = BertForSequenceClassification.fromPretrained(dir, LoadOptions.builder().device(CPU).build())) {
            again.savePretrained(tmp.resolve("copy"));
            assertEquals("[PAD]\n", Files.readString(tmp.resolve("copy/vocab.txt")));
        }
    }

    @Test
    void djlForwardMatchesAPlainJavaReferenceForward() {
        BertConfig c = BertConfig.tiny();
        Path dir = tmp.resolve("ref");
        long[][] input = randomIds(2, 13, c.vocabSize(), 21);
        long[][] types = new long[2][13];
        long[][] mask = fill(2, 13, 1);
        for (int i = 7; i < 13; i++) {
            types[0][i] = 1;
            mask[1][i] = 0;
        }
        float[] djl;
        try (BertForSequenceClassification model = scrambled(c, 9)) {
            model.savePretrained(dir);
            try (Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
                djl = model.logits(tensor(input), tensor(types), tensor(mask), false).toFloatArray();
            }
        }
        ReferenceBert ref = new ReferenceBert(SafeTensors.readCheckpoint(dir), c.hiddenSize(), c.numAttentionHeads(),
                c.numHiddenLayers(), c.intermediateSize(), c.numLabels(), c.layerNormEps());
        for (int b = 0; b < 2; b++) {
            double[] expected = ref.logits(input[b], types[b], mask[b]);
            for (int k = 0; k < 2; k++) {
                assertEquals(expected[k], djl[b * 2 + k], 1e-4, "logit [" + b + "," + k + "]");
            }
        }
    }

    @Test
    void geluIsTheExactErfForm() {
        try (Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
            float[] xs = new float[61];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = -3f + i * 0.1f;
            }
            float[] y = new GELUActivation().forward(Tensor.of(xs)).toFloatArray();
            for (int i = 0; i < xs.length; i++) {
                // the tanh approximation is off by up to ~4e-4 here; exact GELU matches to float precision
                assertEquals(ReferenceOps.gelu(xs[i]), y[i], 2e-6, "gelu(" + xs[i] + ")");
            }
        }
    }

    @Test
    void frozenParametersGetNoGradient() {
        BertConfig c = BertConfig.tiny();
        try (BertForSequenceClassification model = BertForSequenceClassification.random(c, 4, CPU)) {
            assertEquals(4, model.freezeAllButHead());
            assertEquals(List.of("bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight", "classifier.bias"),
                    model.trainableParameterNames());
            try (Scope step = Scope.open(); Autograd grad = Autograd.enableGrad()) {
                SequenceClassifierOutput out = model.forward(tensor(randomIds(4, 10, c.vocabSize(), 2)), null, null,
                        Tensor.of(new long[] {0, 1, 1, 0}), true);
                out.loss().backward();
            }
            try (Scope step = Scope.open()) {
                for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                    Tensor g = e.getValue().data().grad();
                    if (model.isTrainable(e.getKey())) {
                        assertTrue(g.abs().sum().item() > 0, e.getKey() + " should have a gradient");
                    } else {
                        assertNull(g, e.getKey() + " is frozen but collects a gradient");
                    }
                }
                model.zeroGradients();
                assertEquals(0.0, model.namedParameters().get("classifier.weight").data().grad().abs().sum().item());
            }
            model.unfreezeTopLayers(1);
            assertTrue(model.isTrainable("bert.encoder.layer.1.output.dense.weight"));
            assertFalse(model.isTrainable("bert.encoder.layer.0.output.dense.weight"));
            assertThrows(BadInputException.class, () -> model.freeze("no_such_param"));
        }
    }

    /** Backward through every layer (with the per-layer scopes closing intermediates) agrees with finite differences. */
    @Test
    void gradientsMatchFiniteDifferences() {
        BertConfig c = BertConfig.tiny();
        long[][] input = randomIds(3, 8, c.vocabSize(), 4);
        long[] labels = {1, 0, 1};
        try (BertForSequenceClassification model = scrambled(c, 12)) {
            try (Scope step = Scope.open(); Autograd grad = Autograd.enableGrad()) {
                model.forward(tensor(input), null, null, Tensor.of(labels), false).loss().backward();
            }
            for (String name : List.of("bert.embeddings.LayerNorm.weight", "bert.encoder.layer.0.intermediate.dense.weight",
                    "bert.encoder.layer.1.attention.self.query.bias")) {
                float analytic;
                try (Scope step = Scope.open()) {
                    analytic = model.namedParameters().get(name).data().grad().toFloatArray()[3];
                }
                Map<String, io.finetune4j.io.Tensor> base = model.stateDict();
                double[] losses = new double[2];
                for (int sign = 0; sign < 2; sign++) {
                    Map<String, io.finetune4j.io.Tensor> w = new LinkedHashMap<>(base);
                    float[] v = base.get(name).toFloats();
                    v[3] += sign == 0 ? 1e-2f : -1e-2f;
                    w.put(name, io.finetune4j.io.Tensor.ofFloats(base.get(name).shape(), v));
                    model.loadWeights(w);
                    try (Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
                        losses[sign] = model.forward(tensor(input), null, null, Tensor.of(labels), false).loss().item();
                    }
                }
                model.loadWeights(base);
                double numeric = (losses[0] - losses[1]) / 2e-2;
                assertEquals(numeric, analytic, 2e-3 + 0.05 * Math.abs(numeric), name);
            }
        }
    }

    @Test
    void labelSmoothingAndIgnoreIndexFollowTorch() {
        try (Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
            Tensor logits = Tensor.of(new float[] {2f, 0f, -1f, 0.5f, 0.5f, 3f}, 2, 3);
            Tensor labels = Tensor.of(new long[] {0, 2});
            double[][] lp = new double[2][3];
            double[][] raw = {{2, 0, -1}, {0.5, 0.5, 3}};
            for (int i = 0; i < 2; i++) {
                double z = 0;
                for (double v : raw[i]) {
                    z += Math.exp(v);
                }
                for (int k = 0; k < 3; k++) {
                    lp[i][k] = raw[i][k] - Math.log(z);
                }
            }
            double nll = -(lp[0][0] + lp[1][2]) / 2;
            assertEquals(nll, Losses.crossEntropy(logits, labels, 0f).item(), 1e-6);
            double smooth = 0;
            for (int i = 0; i < 2; i++) {
                int y = i == 0 ? 0 : 2;
                double s = 0;
                for (int k = 0; k < 3; k++) {
                    s += -lp[i][k] * (0.1 / 3 + (k == y ? 0.9 : 0));
                }
                smooth += s / 2;
            }
            assertEquals(smooth, Losses.crossEntropy(logits, labels, 0.1f).item(), 1e-6);
            assertEquals(-lp[0][0], Losses.crossEntropy(logits, Tensor.of(new long[] {0, -100}), 0f).item(), 1e-6);
        }
    }

    @Test
    void bertBaseParameterCountsMatchHf() {
        try (BertForSequenceClassification base = BertForSequenceClassification.shapesOnly(BertConfig.base())) {
            assertEquals(109_483_778L, base.numParameters(false));
            base.freezeAllButHead();
            assertEquals(592_130L, base.numParameters(true));
            assertEquals("Total parameters: 109483778\nTrainable parameters: 592130\nPercentage trainable: 0.54%", base.parameterSummary());
            assertEquals("trainable params: 592,130 || all params: 109,483,778 || trainable%: 0.5408", base.trainableParametersLine());
            assertEquals(201, base.namedParameters().size());
            List<String> names = List.copyOf(base.namedParameters().keySet());
            assertEquals("bert.embeddings.word_embeddings.weight", names.get(0));
            assertEquals("bert.embeddings.LayerNorm.bias", names.get(4));
            assertEquals("bert.encoder.layer.0.attention.self.query.weight", names.get(5));
            assertEquals("classifier.bias", names.get(names.size() - 1));
        }
    }

    @Test
    void printsTheTreeLikePyTorch() {
        try (BertForSequenceClassification base = BertForSequenceClassification.shapesOnly(BertConfig.base())) {
            String expected = """
                    BertForSequenceClassification(
                      (bert): BertModel(
                        (embeddings): BertEmbeddings(
                          (word_embeddings): Embedding(30522, 768, padding_idx=0)
                          (position_embeddings): Embedding(512, 768)
                          (token_type_embeddings): Embedding(2, 768)
                          (LayerNorm): LayerNorm((768,), eps=1e-12, elementwise_affine=True)
                          (dropout): Dropout(p=0.1, inplace=False)
                        )
                        (encoder): BertEncoder(
                          (layer): ModuleList(
                            (0-11): 12 x BertLayer(
                              (attention): BertAttention(
                                (self): BertSelfAttention(
                                  (query): Linear(in_features=768, out_features=768, bias=True)
                                  (key): Linear(in_features=768, out_features=768, bias=True)
                                  (value): Linear(in_features=768, out_features=768, bias=True)
                                  (dropout): Dropout(p=0.1, inplace=False)
                                )
                                (output): BertSelfOutput(
                                  (dense): Linear(in_features=768, out_features=768, bias=True)
                                  (LayerNorm): LayerNorm((768,), eps=1e-12, elementwise_affine=True)
                                  (dropout): Dropout(p=0.1, inplace=False)
                                )
                              )
                              (intermediate): BertIntermediate(
                                (dense): Linear(in_features=768, out_features=3072, bias=True)
                                (intermediate_act_fn): GELUActivation()
                              )
                              (output): BertOutput(
                                (dense): Linear(in_features=3072, out_features=768, bias=True)
                                (LayerNorm): LayerNorm((768,), eps=1e-12, elementwise_affine=True)
                                (dropout): Dropout(p=0.1, inplace=False)
                              )
                            )
                          )
                        )
                        (pooler): BertPooler(
                          (dense): Linear(in_features=768, out_features=768, bias=True)
                          (activation): Tanh()
                        )
                      )
                      (dropout): Dropout(p=0.1, inplace=False)
                      (classifier): Linear(in_features=768, out_features=2, bias=True)
                    )""";
            assertEquals(expected, base.printModel());
        }
    }

    @Test
    void reportsMissingAndUnusedWeightsInHfWords() {
        BertConfig c = BertConfig.tiny();
        Path dir = tmp.resolve("mlm");
        try (BertForMaskedLM mlm = BertForMaskedLM.random(c, 1, CPU)) {
            mlm.savePretrained(dir);
        }
        try (BertForSequenceClassification model = BertForSequenceClassification.fromPretrained(dir,
                LoadOptions.builder().device(CPU).numLabels(3).build())) {
            LoadReport r = model.loadReport();
            assertEquals(List.of("bert.pooler.dense.bias", "bert.pooler.dense.weight", "classifier.bias", "classifier.weight"), r.missingKeys());
            assertEquals(List.of("cls.predictions.bias", "cls.predictions.transform.LayerNorm.bias", "cls.predictions.transform.LayerNorm.weight",
                    "cls.predictions.transform.dense.bias", "cls.predictions.transform.dense.weight"), r.unexpectedKeys());
            assertEquals(3, model.numLabels());
            String missing = r.warnings().get(1);
            assertTrue(missing.startsWith("Some weights of BertForSequenceClassification were not initialized from the model checkpoint at " + dir
                    + " and are newly initialized: ['bert.pooler.dense.bias', 'bert.pooler.dense.weight', 'classifier.bias', 'classifier.weight']\n"
                    + "You should probably TRAIN this model on a down-stream task to be able to use it for predictions and inference."), missing);
            assertTrue(r.warnings().get(0).startsWith("Some weights of the model checkpoint at " + dir
                    + " were not used when initializing BertForSequenceClassification: ['cls.predictions.bias', "), r.warnings().get(0));
            // Newly initialised like HF: biases zero, weights small.
            assertEquals(0.0, model.namedParameters().get("classifier.bias").data().abs().sum().item());
        }
    }

    @Test
    void shapeMismatchNamesTheTensorAndBothShapes() {
        BertConfig c = BertConfig.tiny();
        Path dir = tmp.resolve("two");
        try (BertForSequenceClassification m = BertForSequenceClassification.random(c, 1, CPU)) {
            m.savePretrained(dir);
        }
        BadInputException e = assertThrows(BadInputException.class, () -> BertForSequenceClassification.fromPretrained(dir,
                LoadOptions.builder().device(CPU).numLabels(3).build()));
        assertTrue(e.getMessage().contains("'classifier.weight'") && e.getMessage().contains("[2, 32]") && e.getMessage().contains("[3, 32]"),
                e.getMessage());
    }

    @Test
    void acceptsBareModelCheckpointsWithGammaBetaNames() throws Exception {
        BertConfig c = BertConfig.tiny();
        Path dir = tmp.resolve("legacy");
        long[][] input = randomIds(1, 6, c.vocabSize(), 3);
        float[] expected;
        try (BertForSequenceClassification m = BertForSequenceClassification.random(c, 77, CPU)) {
            expected = logits(m, input, null);
            Map<String, io.finetune4j.io.Tensor> old = new LinkedHashMap<>();
            m.stateDict().forEach((k, v) -> {
                if (k.startsWith("bert.")) {
                    old.put(k.substring(5).replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta"), v);
                }
            });
            Files.createDirectories(dir);
            SafeTensors.write(dir.resolve("model.safetensors"), old, Map.of("format", "pt"));
            c.save(dir);
        }
        // Same seed: the re-initialised classifier gets the same values, so the logits match exactly.
        try (BertForSequenceClassification m = BertForSequenceClassification.fromPretrained(dir, LoadOptions.builder().device(CPU).seed(77).build())) {
            assertEquals(List.of("classifier.bias", "classifier.weight"), m.loadReport().missingKeys());
            assertTrue(m.loadReport().unexpectedKeys().isEmpty(), m.loadReport().unexpectedKeys().toString());
            assertArrayEquals(expected, logits(m, input, null), 1e-6f);
        }
    }

    @Test
    void numHiddenLayersOverrideDropsUpperLayers() {
        BertConfig c = BertConfig.tiny();
        Path dir = tmp.resolve("deep");
        try (BertForSequenceClassification m = BertForSequenceClassification.random(c, 1, CPU)) {
            m.savePretrained(dir);
        }
        try (BertForSequenceClassification m = BertForSequenceClassification.fromPretrained(dir,
                LoadOptions.builder().device(CPU).numHiddenLayers(1).build())) {
            assertEquals(1, m.config().numHiddenLayers());
            assertEquals(1, m.bert().encoder().numLayers());
            assertTrue(m.loadReport().unexpectedKeys().isEmpty());
            assertEquals(16, m.loadReport().droppedLayerKeys().size());
            assertTrue(m.loadReport().droppedLayerKeys().stream().allMatch(k -> k.startsWith("bert.encoder.layer.1.")));
            assertEquals(1, logits(m, randomIds(1, 4, c.vocabSize(), 1), null).length / 2);
        }
    }

    @Test
    void noNativeArraysAccumulateOverManyForwards() {
        BertConfig c = BertConfig.tiny();
        try (BertForSequenceClassification model = BertForSequenceClassification.random(c, 1, CPU)) {
            long[][] input = randomIds(4, 16, c.vocabSize(), 1);
            long[][] mask = fill(4, 16, 1);
            int live = -1;
            for (int i = 0; i < 60; i++) {
                if (i == 2) {
                    live = Tensor.liveCount(); // after one training and one eval step: the gradients exist
                }
                try (Scope step = Scope.open(); Autograd grad = Autograd.enableGrad()) {
                    SequenceClassifierOutput out = model.forward(tensor(input), null, tensor(mask),
                            Tensor.of(new long[] {0, 1, 0, 1}), i % 2 == 0);
                    if (i % 2 == 0) {
                        out.loss().backward();
                    }
                }
                model.zeroGradients();
            }
            assertEquals(live, Tensor.liveCount(),
                    "tensors made during forward/backward must belong to the step's scope, not to the model");
        }
    }
}
