package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.finetune4j.torch.Device;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import io.finetune4j.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.models.albert.AlbertForSequenceClassification;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.models.debertav2.DebertaV2Config;
import io.finetune4j.models.debertav2.DebertaV2ForSequenceClassification;
import io.finetune4j.models.distilbert.DistilBertForSequenceClassification;
import io.finetune4j.models.electra.ElectraForSequenceClassification;
import io.finetune4j.models.modernbert.ModernBertForSequenceClassification;
import io.finetune4j.models.roberta.RobertaForSequenceClassification;
import io.finetune4j.nn.GradientCheckpointing;
import io.finetune4j.peft.LoraConfig;
import io.finetune4j.peft.LoraModel;
import io.finetune4j.models.SequenceClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * gradient_checkpointing: the layers run without a graph and are recomputed in the backward
 * ({@link GradientCheckpointing}); without dropout every parameter's gradient equals the plain step's, on every
 * family (HF's fixtures), with frozen lower layers, with DeBERTa's ConvLayer (a tensor read by a layer and another op)
 * and with LoRA; training ends with the same weights, and exact resume holds with dropout on.
 */
class GradientCheckpointingTest {
    static final Path FAMILIES = Path.of("tests/fixtures/families");
    static final long[][] IDS = {{1, 17, 42, 9, 33, 2, 0, 0}, {1, 5, 6, 7, 8, 9, 10, 2}, {1, 60, 61, 2, 0, 0, 0, 0}};
    static final long[][] MASK = {{1, 1, 1, 1, 1, 1, 0, 0}, {1, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0, 0, 0}};
    static final long[] LABELS = {0, 1, 1};

    @TempDir
    Path tmp;

    private static final Map<String, ModelClass<? extends SequenceClassificationModel>> CLASSES = Map.of(
            "bert", BertForSequenceClassification.CLASS, "roberta", RobertaForSequenceClassification.CLASS,
            "xlm-roberta", RobertaForSequenceClassification.XLM_CLASS, "distilbert", DistilBertForSequenceClassification.CLASS,
            "electra", ElectraForSequenceClassification.CLASS, "albert", AlbertForSequenceClassification.CLASS,
            "deberta-v2", DebertaV2ForSequenceClassification.CLASS, "modernbert", ModernBertForSequenceClassification.CLASS);

    /** Every trainable parameter's gradient after one forward + backward of the loss (then zeroed again). */
    static Map<String, float[]> gradients(SequenceClassifier model, boolean checkpointing, int expectedSegments) {
        return gradients(model, checkpointing, expectedSegments, null);
    }

    /** {@code autocast}: the dtype of {@code torch.autocast("cpu", dtype)} around the step, or null. */
    static Map<String, float[]> gradients(SequenceClassifier model, boolean checkpointing, int expectedSegments, DType autocast) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (Scope step = Scope.open();
                Autograd grad = Autograd.enableGrad();
                io.finetune4j.torch.Autocast ignored = TrainingStep.autocast(Device.cpu(), autocast);
                GradientCheckpointing c = checkpointing ? GradientCheckpointing.begin(7) : null) {
            Tensor logits = model.logits(tensor(IDS), null, tensor(MASK), true);
            Tensor loss = model.loss(logits, Tensor.of(LABELS));
            loss.backward();
            if (c != null) {
                assertEquals(expectedSegments, c.segments(), "layers recorded");
                c.backward();
            }
        }
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            Tensor a = e.getValue().data();
            if (e.getValue().requiresGrad()) {
                try (Tensor g = a.grad()) {
                    out.put(e.getKey(), g.toFloatArray());
                }
                a.zeroGrad();
            }
        }
        return out;
    }

    /** {@code torch.tensor(rows)} of equal-length rows (int64). */
    static Tensor tensor(long[][] rows) {
        long[] flat = new long[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return Tensor.of(flat, rows.length, rows[0].length);
    }

    static void assertSameGradients(Map<String, float[]> plain, Map<String, float[]> checkpointed, String what) {
        assertEquals(plain.keySet(), checkpointed.keySet(), what);
        double nonZero = 0;
        for (Map.Entry<String, float[]> e : plain.entrySet()) {
            float[] a = e.getValue();
            float[] b = checkpointed.get(e.getKey());
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-6 + 1e-5 * Math.abs(a[i]), what + " " + e.getKey() + "[" + i + "]");
                nonZero += Math.abs(a[i]);
            }
        }
        assertTrue(nonZero > 0, what + ": all gradients are zero");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bert", "roberta", "xlm-roberta", "distilbert", "electra", "albert", "deberta-v2", "modernbert"})
    void gradientsEqualThePlainStepOnEveryFamily(String family) {
        Path dir = FAMILIES.resolve(family);
        assumeTrue(Files.isRegularFile(dir.resolve("model.safetensors")), "no fixture at " + dir);
        try (SequenceClassificationModel model = CLASSES.get(family).fromPretrained(dir, LoadOptions.builder().device(Device.cpu()).build())) {
            int layers = model.config().numHiddenLayers();
            Map<String, float[]> plain = gradients(model, false, 0);
            assertSameGradients(plain, gradients(model, true, layers), family);
            // frozen embeddings and first layer: the layer below every trainable one is not recorded (ALBERT's layers
            // share one set of weights, so only its embeddings freeze)
            boolean shared = family.equals("albert");
            String embeddings = model.family().basePrefix() + "\\.embeddings\\.";
            model.freeze(shared ? embeddings : embeddings + "|" + model.family().layerPattern(java.util.List.of(0)).substring(1));
            Map<String, float[]> frozenPlain = gradients(model, false, 0);
            assertTrue(frozenPlain.size() < plain.size(), family + " froze nothing");
            // ELECTRA's embeddings_project stays trainable, so layer 0's input needs a gradient and layer 0 is recorded too
            int recorded = shared || family.equals("electra") ? layers : layers - 1;
            assertSameGradients(frozenPlain, gradients(model, true, recorded), family + " (frozen below layer 1)");
        }
    }

    @Test
    void debertaConvLayerReadsTheEmbeddingsBesideLayerZero() throws Exception {
        String json = "{\"model_type\": \"deberta-v2\", \"vocab_size\": 200, \"hidden_size\": 32, \"num_hidden_layers\": 3,"
                + " \"num_attention_heads\": 2, \"intermediate_size\": 64, \"max_position_embeddings\": 64, \"hidden_dropout_prob\": 0.0,"
                + " \"attention_probs_dropout_prob\": 0.0, \"pooler_hidden_size\": 32, \"pooler_dropout\": 0, \"relative_attention\": true,"
                + " \"position_buckets\": 8, \"pos_att_type\": \"p2c|c2p\", \"share_att_key\": true, \"norm_rel_ebd\": \"layer_norm\","
                + " \"position_biased_input\": false, \"conv_kernel_size\": 3, \"conv_act\": \"gelu\", \"type_vocab_size\": 0}";
        DebertaV2Config c = DebertaV2Config.fromJson((ObjectNode) new ObjectMapper().readTree(json), "test");
        try (DebertaV2ForSequenceClassification model = DebertaV2ForSequenceClassification.CLASS.fromConfig(c, 3, Device.cpu())) {
            assertSameGradients(gradients(model, false, 0), gradients(model, true, 3), "deberta-v2 with conv");
        }
    }

    @Test
    void bf16AutocastGivesThePlainStepsGradientsToo() {
        try (BertForSequenceClassification model = BertForSequenceClassification.random(BertConfig.tiny().withDropout(0, 0), 6, Device.cpu())) {
            assertSameGradients(gradients(model, false, 0, DType.BFLOAT16),
                    gradients(model, true, BertConfig.tiny().numHiddenLayers(), DType.BFLOAT16), "bf16 autocast");
        }
    }

    @Test
    void fp16AutocastGivesThePlainStepsGradientsToo() {
        try (BertForSequenceClassification model = BertForSequenceClassification.random(BertConfig.tiny().withDropout(0, 0), 6, Device.cpu())) {
            assertSameGradients(gradients(model, false, 0, DType.FLOAT16),
                    gradients(model, true, BertConfig.tiny().numHiddenLayers(), DType.FLOAT16), "fp16 autocast");
        }
    }

    @Test
    void loraAdaptersInsideCheckpointedLayersGetTheirGradients() {
        BertConfig c = BertConfig.tiny().withDropout(0, 0);
        try (LoraModel model = LoraModel.wrap(BertForSequenceClassification.random(c, 4, Device.cpu()),
                LoraConfig.builder().r(4).loraAlpha(8).loraDropout(0).build(), 4)) {
            // B starts at zero, so A's gradient is zero at this first step; B's is not
            Map<String, float[]> plain = gradients(model, false, 0);
            assertTrue(plain.keySet().stream().anyMatch(k -> k.contains("lora_A")), plain.keySet().toString());
            assertSameGradients(plain, gradients(model, true, c.numHiddenLayers()), "lora");
        }
    }

    private static TrainingArguments.Builder shortRun(Path out, int seed) {
        return TrainingArguments.builder().outputDir(out.toString()).learningRate(1e-3).perDeviceTrainBatchSize(8)
                .weightDecay(0.01).maxSteps(6).seed(seed).set("gradient_accumulation_steps", 2).set("disable_tqdm", true)
                .set("report_to", "none").saveStrategy("no");
    }

    @Test
    void trainingWithCheckpointingEndsWithTheSameWeightsWithoutDropout() throws Exception {
        Map<String, float[]> plain;
        Map<String, float[]> checkpointed;
        try (BertForSequenceClassification model = BertForSequenceClassification.random(BertConfig.tiny().withDropout(0, 0), 5, Device.cpu())) {
            ResumeRuns.trainer(model, shortRun(tmp.resolve("plain"), 42).build()).train();
            plain = weights(model);
        }
        try (BertForSequenceClassification model = BertForSequenceClassification.random(BertConfig.tiny().withDropout(0, 0), 5, Device.cpu())) {
            ResumeRuns.trainer(model, shortRun(tmp.resolve("ckpt"), 42).set("gradient_checkpointing", true)
                    .set("gradient_checkpointing_kwargs", Map.of("use_reentrant", false)).build()).train();
            checkpointed = weights(model);
        }
        for (Map.Entry<String, float[]> e : plain.entrySet()) {
            assertArrayEquals(e.getValue(), checkpointed.get(e.getKey()), 1e-5f, e.getKey());
        }
    }

    private static Map<String, float[]> weights(SequenceClassifier model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        model.namedParameters().forEach((k, p) -> out.put(k, p.data().toFloatArray()));
        return out;
    }

    @Test
    void exactResumeHoldsWithCheckpointingAndDropout() throws Exception {
        Path straight = tmp.resolve("straight");
        try (BertForSequenceClassification model = ResumeRuns.tinyBert()) {
            ResumeRuns.trainer(model, ResumeRuns.args(straight, 42).set("gradient_checkpointing", true).build()).train();
        }
        Path again = tmp.resolve("again");
        try (BertForSequenceClassification model = ResumeRuns.tinyBert()) {
            ResumeRuns.trainer(model, ResumeRuns.args(again, 42).set("gradient_checkpointing", true).build()).train();
        }
        byte[] reference = Files.readAllBytes(straight.resolve("model.safetensors"));
        assertArrayEquals(reference, Files.readAllBytes(again.resolve("model.safetensors")), "a rerun repeats");
        Path resumed = tmp.resolve("resumed");
        try (BertForSequenceClassification model = ResumeRuns.tinyBert()) {
            ResumeRuns.trainer(model, ResumeRuns.args(resumed, 42).set("gradient_checkpointing", true)
                    .set("resume_from_checkpoint", straight.resolve("checkpoint-12").toString()).build()).train();
        }
        assertArrayEquals(reference, Files.readAllBytes(resumed.resolve("model.safetensors")), "resumed from checkpoint-12");
    }

    @Test
    void kwargsTakeHfsUseReentrantAndRefuseTheRest() {
        TrainingArguments.builder().outputDir(tmp.toString()).set("gradient_checkpointing", true)
                .set("gradient_checkpointing_kwargs", Map.of("use_reentrant", true, "preserve_rng_state", true)).build();
        BadInputException e = assertThrows(BadInputException.class, () -> TrainingArguments.builder().outputDir(tmp.toString())
                .set("gradient_checkpointing_kwargs", Map.of("context_fn", "x")).build());
        assertTrue(e.getMessage().contains("'context_fn' is not taken"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> TrainingArguments.builder().outputDir(tmp.toString())
                .set("gradient_checkpointing_kwargs", Map.of("preserve_rng_state", false)).build());
        assertTrue(e.getMessage().contains("preserve_rng_state must be true"), e.getMessage());
    }
}
