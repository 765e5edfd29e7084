package io.finetune4j.peft;

import static io.finetune4j.peft.PeftTestData.ids;
import static io.finetune4j.peft.PeftTestData.logits;
import static io.finetune4j.peft.PeftTestData.tinyBert;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.BadInputException;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.Tensor;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraModelTest {
    @TempDir
    Path tmp;

    private static final long[][] INPUT = ids(3, 7, 5);

    @Test
    void freshAdapterLeavesLogitsUnchangedAndFreezesTheBase() {
        try (BertForSequenceClassification bert = tinyBert(1)) {
            float[] before = logits(bert, INPUT);
            LoraModel lora = LoraModel.wrap(bert, LoraConfig.defaults(), 3);
            assertArrayEquals(before, logits(lora, INPUT), 0f, "B = 0: the LoRA term is exactly zero");
            assertEquals(List.of("bert.encoder.layer.0.attention.self.query", "bert.encoder.layer.0.attention.self.value",
                    "bert.encoder.layer.1.attention.self.query", "bert.encoder.layer.1.attention.self.value"), lora.targetedModules());
            List<String> trainable = new ArrayList<>();
            lora.namedParameters().forEach((n, p) -> {
                if (p.requiresGrad()) {
                    trainable.add(n);
                }
            });
            assertEquals(List.of(
                    "base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.default.weight",
                    "base_model.model.bert.encoder.layer.0.attention.self.query.lora_B.default.weight",
                    "base_model.model.bert.encoder.layer.0.attention.self.value.lora_A.default.weight",
                    "base_model.model.bert.encoder.layer.0.attention.self.value.lora_B.default.weight",
                    "base_model.model.bert.encoder.layer.1.attention.self.query.lora_A.default.weight",
                    "base_model.model.bert.encoder.layer.1.attention.self.query.lora_B.default.weight",
                    "base_model.model.bert.encoder.layer.1.attention.self.value.lora_A.default.weight",
                    "base_model.model.bert.encoder.layer.1.attention.self.value.lora_B.default.weight",
                    "base_model.model.classifier.weight", "base_model.model.classifier.bias"), trainable);
            assertTrue(lora.namedParameters().containsKey("base_model.model.bert.encoder.layer.0.attention.self.query.base_layer.weight"));
            assertFalse(lora.namedParameters().get("base_model.model.bert.embeddings.word_embeddings.weight").requiresGrad());
        }
    }

    @Test
    void aIsKaimingUniformAndBIsZero() {
        try (LoraModel lora = LoraModel.wrap(tinyBert(1), LoraConfig.builder().r(4).build(), 3)) {
            float[] a = lora.namedParameters().get("base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.default.weight").data().toFloatArray();
            float[] b = lora.namedParameters().get("base_model.model.bert.encoder.layer.0.attention.self.query.lora_B.default.weight").data().toFloatArray();
            assertEquals(4 * 32, a.length);
            assertEquals(32 * 4, b.length);
            double bound = 1 / Math.sqrt(32);
            float max = 0;
            for (float v : a) {
                assertTrue(Math.abs(v) <= bound);
                max = Math.max(max, Math.abs(v));
            }
            assertTrue(max > 0.8 * bound, "uniform over ±1/sqrt(in_features)");
            for (float v : b) {
                assertEquals(0f, v);
            }
        }
    }

    @Test
    void trainableCountsMatchPeftArithmetic() {
        try (LoraModel lora = LoraModel.wrap(tinyBert(1), LoraConfig.defaults(), 3)) {
            long base = lora.baseModel().numParameters(false);
            long loraParams = 2L /* layers */ * 2 /* query, value */ * (8 * 32 + 32 * 8);
            long head = 32 * 2 + 2;
            assertEquals(base + loraParams, lora.numParameters(false));
            assertEquals(loraParams + head, lora.numParameters(true));
            assertEquals(String.format(java.util.Locale.ROOT, "trainable params: %,d || all params: %,d || trainable%%: %.4f",
                    loraParams + head, base + loraParams, 100.0 * (loraParams + head) / (base + loraParams)), lora.trainableParametersLine());
        }
        // bias all: every bias trains too; lora_only: only the adapted layers' biases
        try (LoraModel all = LoraModel.wrap(tinyBert(1), LoraConfig.builder().bias("all").build(), 3);
             LoraModel only = LoraModel.wrap(tinyBert(1), LoraConfig.builder().bias("lora_only").build(), 3)) {
            long biases = all.baseModel().namedParameters().entrySet().stream()
                    .filter(e -> e.getKey().endsWith("bias") && !e.getKey().equals("classifier.bias"))
                    .mapToLong(e -> e.getValue().data().numel()).sum();
            long loraAndHead = 2L * 2 * (8 * 32 + 32 * 8) + 32 * 2 + 2;
            assertEquals(loraAndHead + biases, all.numParameters(true));
            assertEquals(loraAndHead + 4 * 32, only.numParameters(true));
            assertTrue(only.stateDict().containsKey("base_model.model.bert.encoder.layer.0.attention.self.query.base_layer.bias"));
        }
    }

    @Test
    void trainerTrainsOnlyTheAdapterAndTheHead() {
        try (LoraModel lora = LoraModel.wrap(tinyBert(1), LoraConfig.builder().r(4).loraAlpha(8).build(), 3)) {
            float[] before = logits(lora, INPUT);
            Map<String, float[]> baseBefore = PeftTestData.snapshot(lora.baseModel().stateDict());
            Map<String, float[]> adapterBefore = PeftTestData.snapshot(lora.stateDict());
            Trainer.builder().model(lora).args(PeftTestData.args(tmp.resolve("out")).maxSteps(6).build())
                    .trainColumns(PeftTestData.task(48, 1)).peakFlops(1e11).build().train();
            assertFalse(java.util.Arrays.equals(before, logits(lora, INPUT)), "training moved the logits");
            Map<String, float[]> baseAfter = PeftTestData.snapshot(lora.baseModel().stateDict());
            Set<String> changed = new TreeSet<>();
            baseBefore.forEach((name, v) -> {
                if (!java.util.Arrays.equals(v, baseAfter.get(name))) {
                    changed.add(name);
                }
            });
            assertEquals(Set.of("classifier.weight", "classifier.bias"), changed, "base weights are bit-identical except the head");
            Map<String, float[]> adapterAfter = PeftTestData.snapshot(lora.stateDict());
            adapterBefore.forEach((name, v) -> assertFalse(java.util.Arrays.equals(v, adapterAfter.get(name)), name + " was updated"));
            // The Trainer's final save is the PEFT adapter folder
            assertTrue(Files.isRegularFile(tmp.resolve("out").resolve(LoraConfig.WEIGHTS_FILE)));
            assertTrue(Files.isRegularFile(tmp.resolve("out").resolve(LoraConfig.CONFIG_FILE)));
        }
    }

    @Test
    void trainerCheckpointsHoldTheAdapterAndResumeFromIt() {
        Path out = tmp.resolve("run");
        try (LoraModel lora = LoraModel.wrap(tinyBert(1), LoraConfig.builder().r(4).build(), 3)) {
            Trainer.builder().model(lora).args(PeftTestData.args(out).maxSteps(6).set("save_strategy", "steps").set("save_steps", 3)
                            .set("eval_strategy", "steps").set("eval_steps", 3).set("load_best_model_at_end", true).build())
                    .trainColumns(PeftTestData.task(48, 1)).evalColumns(PeftTestData.task(16, 2)).peakFlops(1e11).build().train();
        }
        Path checkpoint = out.resolve("checkpoint-3");
        assertTrue(Files.isRegularFile(checkpoint.resolve(LoraConfig.WEIGHTS_FILE)));
        assertFalse(Files.exists(checkpoint.resolve(SafeTensors.SINGLE_FILE)), "a LoRA checkpoint holds only the adapter");
        try (LoraModel lora = LoraModel.wrap(tinyBert(1), LoraConfig.builder().r(4).build(), 3)) {
            Trainer t = Trainer.builder().model(lora).args(PeftTestData.args(out).maxSteps(6).set("resume_from_checkpoint", checkpoint.toString())
                    .set("overwrite_output_dir", true).build()).trainColumns(PeftTestData.task(48, 1)).peakFlops(1e11).build();
            t.train();
            assertEquals(6, t.state().globalStep);
        }
    }

    @Test
    void mergeAndUnloadGivesTheSameLogitsAndAPlainCheckpoint() {
        try (LoraModel lora = LoraModel.wrap(tinyBert(1), LoraConfig.builder().r(4).loraAlpha(16)
                .targetModules(List.of("query", "key", "value", "dense")).build(), 3)) {
            randomizeB(lora, 11);
            float[] adapted = logits(lora, INPUT);
            assertFalse(java.util.Arrays.equals(adapted, logits(tinyBert(1), INPUT)), "the adapter changes the output");
            SequenceClassificationModel merged = lora.mergeAndUnload();
            assertArrayEquals(adapted, logits(merged, INPUT), 1e-5f);
            assertThrows(IllegalStateException.class, lora::stateDict);
            Path dir = tmp.resolve("merged");
            merged.savePretrained(dir);
            assertTrue(SafeTensors.read(dir.resolve(SafeTensors.SINGLE_FILE)).keySet().stream().noneMatch(k -> k.contains("lora")));
            try (SequenceClassificationModel reloaded = AutoModelForSequenceClassification.fromPretrained(dir)) {
                assertArrayEquals(adapted, logits(reloaded, INPUT), 1e-5f);
            }
        }
    }

    @Test
    void savedAdapterLoadsOntoAFreshBaseWithTheSameLogits() throws Exception {
        Path baseDir = tmp.resolve("base");
        try (BertForSequenceClassification bert = tinyBert(1)) {
            bert.savePretrained(baseDir);
        }
        Path adapterDir = tmp.resolve("adapter");
        float[] adapted;
        try (LoraModel lora = LoraModel.wrap(AutoModelForSequenceClassification.fromPretrained(baseDir), LoraConfig.builder()
                .loraDropout(0.1).modulesToSave(List.of("classifier")).build(), 3)) {
            randomizeB(lora, 12);
            adapted = logits(lora, INPUT);
            lora.savePretrained(adapterDir);
        }
        try (LoraModel loaded = LoraModel.load(baseDir, adapterDir)) {
            assertArrayEquals(adapted, logits(loaded, INPUT), 0f);
            assertEquals(0, loaded.numParameters(true), "PEFT's from_pretrained loads in inference mode");
            assertEquals(0.1, loaded.config().loraDropout());
        }
        try (LoraModel trainable = LoraModel.load(baseDir, adapterDir, true)) {
            assertEquals(2L * 2 * (8 * 32 + 32 * 8) + 66, trainable.numParameters(true));
        }
        // a different base (other seed) gives other logits: the adapter does not carry the base
        try (LoraModel other = LoraModel.fromPretrained(tinyBert(9), adapterDir, false)) {
            assertFalse(java.util.Arrays.equals(adapted, logits(other, INPUT)));
        }
    }

    /** A run that cut the base (num_hidden_layers) and named its labels: the adapter folder remembers both. */
    @Test
    void anAdapterTrainedOnACutBaseLoadsOntoTheSameCut() {
        Path baseDir = tmp.resolve("base2");
        try (BertForSequenceClassification bert = tinyBert(1)) {
            bert.savePretrained(baseDir);
        }
        Path adapterDir = tmp.resolve("adapter-cut");
        float[] adapted;
        LoadOptions cut = LoadOptions.builder().numHiddenLayers(1).id2label(Map.of(0, "negative", 1, "positive")).build();
        try (LoraModel lora = LoraModel.wrap(AutoModelForSequenceClassification.fromPretrained(baseDir, cut), LoraConfig.defaults(), 3)) {
            randomizeB(lora, 5);
            adapted = logits(lora, INPUT);
            lora.savePretrained(adapterDir);
        }
        try (LoraModel loaded = LoraModel.load(baseDir, adapterDir)) {
            assertEquals(1, loaded.baseModel().config().numHiddenLayers());
            assertEquals(Map.of(0, "negative", 1, "positive"), loaded.id2label());
            assertArrayEquals(adapted, logits(loaded, INPUT), 0f);
        }
    }

    @Test
    void adapterFilesUsePeftsLayoutAndKeyNames() throws Exception {
        Path dir = tmp.resolve("adapter");
        try (LoraModel lora = LoraModel.wrap(tinyBert(1), LoraConfig.builder().r(4).loraAlpha(16).loraDropout(0.05)
                .modulesToSave(List.of("classifier")).build(), 3)) {
            lora.savePretrained(dir);
        }
        JsonNode cfg = new ObjectMapper().readTree(dir.resolve("adapter_config.json").toFile());
        assertEquals("LORA", cfg.get("peft_type").asText());
        assertEquals(4, cfg.get("r").asInt());
        assertEquals(16, cfg.get("lora_alpha").asInt());
        assertEquals(0.05, cfg.get("lora_dropout").asDouble());
        assertEquals("[\"query\",\"value\"]", cfg.get("target_modules").toString());
        assertEquals("none", cfg.get("bias").asText());
        assertEquals("[\"classifier\"]", cfg.get("modules_to_save").toString());
        assertEquals("SEQ_CLS", cfg.get("task_type").asText());
        assertTrue(cfg.get("base_model_name_or_path").isNull(), "a random base has no name or path");
        assertFalse(cfg.get("fan_in_fan_out").asBoolean());
        assertTrue(cfg.get("inference_mode").asBoolean());
        assertTrue(cfg.get("init_lora_weights").asBoolean());
        List<String> keys = new ArrayList<>();
        cfg.fieldNames().forEachRemaining(keys::add);
        assertEquals(new ArrayList<>(new TreeSet<>(keys)), keys, "sorted keys, as PEFT writes them");

        Map<String, Tensor> tensors = SafeTensors.read(dir.resolve("adapter_model.safetensors"));
        assertEquals(new TreeSet<>(List.of(
                "base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight",
                "base_model.model.bert.encoder.layer.0.attention.self.query.lora_B.weight",
                "base_model.model.bert.encoder.layer.0.attention.self.value.lora_A.weight",
                "base_model.model.bert.encoder.layer.0.attention.self.value.lora_B.weight",
                "base_model.model.bert.encoder.layer.1.attention.self.query.lora_A.weight",
                "base_model.model.bert.encoder.layer.1.attention.self.query.lora_B.weight",
                "base_model.model.bert.encoder.layer.1.attention.self.value.lora_A.weight",
                "base_model.model.bert.encoder.layer.1.attention.self.value.lora_B.weight",
                "base_model.model.classifier.weight", "base_model.model.classifier.bias")), new TreeSet<>(tensors.keySet()));
        assertArrayEquals(new long[] {4, 32}, tensors.get("base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight").shape());
        assertArrayEquals(new long[] {32, 4}, tensors.get("base_model.model.bert.encoder.layer.0.attention.self.query.lora_B.weight").shape());
        assertEquals("pt", SafeTensors.readWithMetadata(dir.resolve("adapter_model.safetensors")).metadata().get("format"));

        LoraConfig back = LoraConfig.load(dir);
        // No target_modules given: BERT's PEFT default (query, value) is used and written, as PEFT does.
        assertEquals(LoraConfig.builder().r(4).loraAlpha(16).loraDropout(0.05).targetModules(List.of("query", "value"))
                .modulesToSave(List.of("classifier")).build(), back);
    }

    @Test
    void badConfigurationsAreExplained() {
        try (BertForSequenceClassification bert = tinyBert(1)) {
            BadInputException e = assertThrows(BadInputException.class,
                    () -> LoraModel.wrap(bert, LoraConfig.builder().targetModules(List.of("q_proj")).build(), 1));
            assertTrue(e.getMessage().contains("q_proj"));
            assertThrows(BadInputException.class, () -> LoraModel.wrap(bert, LoraConfig.builder().targetModules(List.of("attention")).build(), 1));
        }
        // PEFT's rule: a modules_to_save name that matches no module is ignored (PEFT's own adapters list "score")
        try (LoraModel lora = LoraModel.wrap(tinyBert(1), LoraConfig.builder().modulesToSave(List.of("scorer", "pooler.dense")).build(), 1)) {
            assertTrue(lora.stateDict().containsKey("base_model.model.bert.pooler.dense.weight"), "matched by suffix");
            assertTrue(lora.stateDict().containsKey("base_model.model.classifier.weight"));
        }
        assertThrows(BadInputException.class, () -> LoraConfig.builder().bias("some").build());
        assertThrows(BadInputException.class, () -> LoraConfig.builder().r(0).build());
        assertFalse(LoraConfig.builder().fanInFanOut(true).build().fanInFanOut(), "PEFT switches fan_in_fan_out off for nn.Linear");
    }

    @Test
    void regexTargetsMatchTheWholeName() {
        try (LoraModel lora = LoraModel.wrap(tinyBert(1), LoraConfig.builder()
                .targetModulesRegex(".*layer\\.1\\.attention\\.self\\.(query|key)").build(), 1)) {
            assertEquals(List.of("bert.encoder.layer.1.attention.self.query", "bert.encoder.layer.1.attention.self.key"), lora.targetedModules());
        }
    }

    /** Gives every lora_B a random value so that the adapter changes the output (a fresh one adds zero). */
    static void randomizeB(LoraModel lora, long seed) {
        java.util.Random r = new java.util.Random(seed);
        Map<String, Tensor> state = new java.util.LinkedHashMap<>(lora.stateDict());
        state.replaceAll((k, t) -> {
            if (!k.contains("lora_B")) {
                return t;
            }
            float[] v = new float[(int) t.numel()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 0.2);
            }
            return Tensor.ofFloats(t.shape(), v);
        });
        lora.loadWeights(state);
        Parameter any = lora.namedParameters().values().iterator().next();
        assertFalse(any.requiresGrad());
    }
}
