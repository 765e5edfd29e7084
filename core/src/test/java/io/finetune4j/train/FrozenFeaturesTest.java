package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.torch.Device;
import io.finetune4j.io.Cache;
import io.finetune4j.io.Tensor;
import io.finetune4j.metrics.ComputeMetrics;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.peft.LoraConfig;
import io.finetune4j.peft.LoraModel;
import io.finetune4j.models.SequenceClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cache_frozen_features: with dropout 0 in the frozen part, training from cached features gives the weights
 * training through the whole model gives (head-only: [CLS] features in float32, within 1e-4 of the largest change
 * training made; top-2 layers: whole sequences in float16, within 10% of it), and a second run reuses the files.
 */
class FrozenFeaturesTest {
    @TempDir
    Path tmp;

    private static BertForSequenceClassification model(String trainable) {
        // the tiny test BERT with 4 layers and no dropout anywhere
        BertConfig c = new BertConfig(200, 32, 4, 2, 64, "gelu", 0.0, 0.0, 64, 2, 0.02, 1e-12, 0, "absolute",
                null, BertConfig.defaultLabels(2), null, null, null, Map.of());
        BertForSequenceClassification m = BertForSequenceClassification.random(c, 3, Device.cpu());
        m.trainable(trainable);
        return m;
    }

    private Map<String, Tensor> train(SequenceClassifier m, boolean cached, String name) {
        TrainingArguments args = TrainingArguments.builder().outputDir(tmp.resolve(name).toString()).learningRate(1e-2)
                .perDeviceTrainBatchSize(8).perDeviceEvalBatchSize(16).maxSteps(10).evalStrategy("steps").set("eval_steps", 5)
                .set("save_strategy", "no").set("disable_tqdm", true).set("report_to", "none")
                .set("cache_frozen_features", cached).build();
        Trainer t = Trainer.builder().model(m).args(args).trainColumns(SyntheticTask.make(40, 4)).evalColumns(SyntheticTask.make(24, 5))
                .computeMetrics(ComputeMetrics.classification()).peakFlops(1e11).cache(new Cache(tmp.resolve("cache"))).build();
        t.train();
        return m.stateDict();
    }

    /** {@code tolerance}: the largest allowed difference as a share of the largest change training made. */
    private void assertSameWeights(String trainable, double tolerance) {
        Map<String, Tensor> plain;
        Map<String, Tensor> cached;
        try (BertForSequenceClassification m = model(trainable)) {
            plain = train(m, false, "plain-" + trainable);
        }
        try (BertForSequenceClassification m = model(trainable)) {
            cached = train(m, true, "cached-" + trainable);
        }
        double worst = 0;
        double moved = 0;
        try (BertForSequenceClassification m = model(trainable)) {
            Map<String, Tensor> initial = m.stateDict();
            for (String k : plain.keySet()) {
                float[] a = plain.get(k).toFloats();
                float[] b = cached.get(k).toFloats();
                float[] c = initial.get(k).toFloats();
                for (int i = 0; i < a.length; i++) {
                    worst = Math.max(worst, Math.abs(a[i] - b[i]));
                    moved = Math.max(moved, Math.abs(a[i] - c[i]));
                }
            }
        }
        assertTrue(moved > 1e-3, "training changed nothing");
        assertTrue(worst <= tolerance * moved, trainable + ": largest weight difference " + worst + " for a largest change of " + moved);
    }

    @Test
    void headOnlyFromCachedClsFeaturesEqualsTheWholeModel() throws Exception {
        assertSameWeights("classifier|pooler", 1e-4);
        assertEquals(2, featureDirs(), "train and eval features");
        try (BertForSequenceClassification m = model("classifier|pooler")) {
            train(m, true, "again");
        }
        assertEquals(2, featureDirs(), "the second run reuses them");
    }

    @Test
    void topTwoLayersFromCachedSequencesEqualTheWholeModel() {
        // float16 features: AdamW's normalised steps turn float16's rounding (~1e-3 relative) into a few % of a step
        assertSameWeights("encoder\\.layer\\.[23]\\.|pooler|classifier", 0.1);
    }

    @Test
    void classifierOnlyCachesThePooledOutput() {
        assertSameWeights("^classifier\\.", 1e-4);
    }

    @Test
    void loraAndTrainableEmbeddingsTurnItOff() throws Exception {
        try (BertForSequenceClassification base = model("classifier");
             LoraModel lora = LoraModel.wrap(base, LoraConfig.builder().build(), 1)) {
            train(lora, true, "lora");
        }
        try (BertForSequenceClassification m = model(".*")) {
            train(m, true, "embeddings");
        }
        assertEquals(0, featureDirs());
    }

    private long featureDirs() throws Exception {
        Path dir = new Cache(tmp.resolve("cache")).features();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p.resolve(FrozenFeatures.META_FILE))).count();
        }
    }

    /**
     * MFU counts the work that ran: from cached [CLS] vectors the pooler and classifier run once per row, so the
     * FLOPs per sample are 6 × their weights, not that times the sequence length (which once raised the ceiling).
     */
    @Test
    void mfuFromCachedClsFeaturesCountsOnePositionPerRow() throws Exception {
        double[] flopsPerSample = {Double.NaN};
        try (BertForSequenceClassification m = model("classifier|pooler")) {
            TrainingArguments args = TrainingArguments.builder().outputDir(tmp.resolve("mfu").toString()).learningRate(1e-2)
                    .perDeviceTrainBatchSize(8).maxSteps(10).set("logging_steps", 5).set("save_strategy", "no")
                    .set("disable_tqdm", true).set("report_to", "none").set("cache_frozen_features", true).build();
            double peak = 1e15;
            TrainerCallback probe = new TrainerCallback() {
                @Override
                public void onLog(TrainingArguments a, TrainerState st, TrainerControl c, Map<String, Object> logs) {
                    if (st.samplesPerSecond > 0) {
                        flopsPerSample[0] = st.mfu * peak / st.samplesPerSecond;
                    }
                }
            };
            Trainer.builder().model(m).args(args).trainColumns(SyntheticTask.make(40, 4)).peakFlops(peak).callback(probe)
                    .cache(new Cache(tmp.resolve("cache-mfu"))).build().train();
        }
        // pooler 32×32 and classifier 32×2 weights: 6 × (1024 + 64) FLOPs per row
        assertEquals(6.0 * (32 * 32 + 32 * 2), flopsPerSample[0], 0.05 * 6 * (32 * 32 + 32 * 2), "FLOPs per sample");
    }
}
