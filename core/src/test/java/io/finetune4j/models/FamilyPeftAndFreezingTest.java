package io.finetune4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.Tensor;
import io.finetune4j.models.auto.AutoConfig;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import io.finetune4j.peft.LoraConfig;
import io.finetune4j.peft.LoraModel;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What sits above the model works for DeBERTa-v2 and ModernBERT: LoRA with PEFT's default targets for the family
 * (query_proj/value_proj; the fused, bias-free Wqkv), trained and saved under PEFT's names, and freezing by the
 * family's head and layer patterns.
 */
class FamilyPeftAndFreezingTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> families() {
        return Stream.of(
                Arguments.of("{\"model_type\": \"deberta-v2\", \"vocab_size\": 120, \"hidden_size\": 32, \"num_hidden_layers\": 2,"
                        + " \"num_attention_heads\": 2, \"intermediate_size\": 64, \"max_position_embeddings\": 64,"
                        + " \"relative_attention\": true, \"position_buckets\": 8, \"pos_att_type\": \"p2c|c2p\", \"share_att_key\": true,"
                        + " \"norm_rel_ebd\": \"layer_norm\", \"position_biased_input\": false, \"hidden_dropout_prob\": 0.0,"
                        + " \"attention_probs_dropout_prob\": 0.0}",
                        List.of("deberta.encoder.layer.0.attention.self.query_proj", "deberta.encoder.layer.0.attention.self.value_proj",
                                "deberta.encoder.layer.1.attention.self.query_proj", "deberta.encoder.layer.1.attention.self.value_proj"),
                        "deberta.encoder.layer.1."),
                Arguments.of("{\"model_type\": \"modernbert\", \"vocab_size\": 120, \"hidden_size\": 32, \"intermediate_size\": 48,"
                        + " \"num_hidden_layers\": 3, \"num_attention_heads\": 2, \"max_position_embeddings\": 64, \"pad_token_id\": 0,"
                        + " \"local_attention\": 4}",
                        List.of("model.layers.0.attn.Wqkv", "model.layers.1.attn.Wqkv", "model.layers.2.attn.Wqkv"),
                        "model.layers.2."));
    }

    static SequenceClassificationModel model(String json) throws Exception {
        PretrainedConfig c = AutoConfig.fromJson((ObjectNode) new ObjectMapper().readTree(json), "test");
        return FamilyTests.scramble(AutoModelForSequenceClassification.fromConfig(c, 3, Device.cpu()), 3);
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("families")
    void loraWithTheFamilysDefaultTargetsTrainsAndSavesUnderPeftNames(String json, List<String> targets, String topLayer) throws Exception {
        long[][] ids = FamilyTests.randomIds(2, 9, 120, 5);
        try (SequenceClassificationModel base = model(json)) {
            float[] before = FamilyTests.classifierLogits(base, ids, null, null);
            LoraModel lora = LoraModel.wrap(base, LoraConfig.defaults(), 7);
            assertEquals(targets, lora.targetedModules());
            String firstA = "base_model.model." + targets.get(0) + ".lora_A.default.weight";
            assertTrue(lora.namedParameters().containsKey(firstA), lora.namedParameters().keySet().toString());
            long loraParams = 0;
            for (String t : targets) {
                long[] w = base.namedParameters().get(t + ".weight").shape();
                loraParams += 8 * (w[0] + w[1]); // r 8: A [8, in], B [out, 8]
            }
            long classifier = Tensor.numel(base.namedParameters().get("classifier.weight").shape()) + base.config().numLabels();
            assertEquals(loraParams + classifier, lora.numParameters(true), lora.trainableParametersLine());
            try (Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
                // B starts at zero: the adapter changes nothing until it trains.
                assertArrayEquals(before, lora.logits(FamilyTests.tensor(ids), null, null, false).toFloatArray(), 1e-6f);
                try (Autograd grad = Autograd.enableGrad()) {
                    io.finetune4j.torch.Tensor logits = lora.logits(FamilyTests.tensor(ids), null, null, true);
                    lora.loss(logits, io.finetune4j.torch.Tensor.of(new long[] {1, 0})).backward();
                }
                io.finetune4j.torch.Tensor gradB = lora.namedParameters().get("base_model.model." + targets.get(0) + ".lora_B.default.weight").data().grad();
                assertTrue(gradB.abs().sum().item() > 0, "LoRA B receives a gradient");
                assertFalse(base.namedParameters().get(targets.get(0) + ".weight").requiresGrad(), "the base weight is frozen");
            }
            Path dir = tmp.resolve(topLayer);
            lora.savePretrained(dir);
            Map<String, Tensor> saved = SafeTensors.readWithMetadata(dir.resolve(LoraConfig.WEIGHTS_FILE)).tensors();
            for (String t : targets) {
                assertTrue(saved.containsKey("base_model.model." + t + ".lora_A.weight"), saved.keySet().toString());
                assertTrue(saved.containsKey("base_model.model." + t + ".lora_B.weight"), saved.keySet().toString());
            }
            assertTrue(saved.containsKey("base_model.model.classifier.weight"), saved.keySet().toString());
        }
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("families")
    void headOnlyThenTheTopLayerByTheFamilysPatterns(String json, List<String> targets, String topLayer) throws Exception {
        try (SequenceClassificationModel model = model(json)) {
            model.freezeAllButHead();
            List<String> head = model.trainableParameterNames();
            assertTrue(head.contains("classifier.weight"), head.toString());
            assertTrue(head.stream().noneMatch(n -> n.contains("layer")), head.toString());
            model.unfreezeTopLayers(1);
            for (String name : model.trainableParameterNames()) {
                assertTrue(head.contains(name) || name.startsWith(topLayer), name + " should still be frozen");
            }
            assertTrue(model.trainableParameterNames().stream().anyMatch(n -> n.startsWith(topLayer)));
        }
    }
}
