package io.finetune4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.BadInputException;
import io.finetune4j.models.auto.AutoModelForMaskedLM;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import io.finetune4j.nn.AttnImplementation;
import io.finetune4j.nn.Parameter;
import io.finetune4j.tasks.RunArguments;
import io.finetune4j.torch.Autocast;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HF's {@code attn_implementation}: torch's sdpa gives eager's numbers within 1e-5 (float32, padding masks, dropout off) for every
 * family that has it, gradients too (BERT); the setting is per model and switches a loaded one; bad values are one line;
 * DeBERTa-v2 refuses sdpa as HF does; auto follows the measured rule (docs/BENCHMARKS.md).
 */
class AttnImplementationTest {
    static Stream<String> sdpaFamilies() {
        return Stream.of("bert", "roberta", "xlm-roberta", "distilbert", "electra", "albert", "modernbert")
                .flatMap(t -> Stream.of(t, t + "-mlm"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sdpaFamilies")
    void sdpaGivesEagersLogits(String name) throws Exception {
        Path dir = fixture(name);
        JsonNode f = new ObjectMapper().readTree(dir.resolve("fixture.json").toFile());
        try (PreTrainedModel model = load(dir, name.endsWith("-mlm"), "eager"); Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
            assertTrue(hasPadding(f), name + " fixture has padding");
            float[] eager = logits(model, f).toFloatArray();
            model.setAttnImplementation("sdpa");
            assertEquals("sdpa", model.attnImplementation());
            float[] sdpa = logits(model, f).toFloatArray();
            assertEquals(eager.length, sdpa.length);
            // every logit of a sequence classifier; a masked LM's at the real tokens (padding rows are not predictions)
            long[][] mask = TransformersFamilyParityTest.longs(f.get("attention_mask"));
            int perRow = eager.length / mask.length;
            int perToken = name.endsWith("-mlm") ? perRow / mask[0].length : perRow;
            double worst = 0;
            for (int i = 0; i < eager.length; i++) {
                if (name.endsWith("-mlm") && mask[i / perRow][(i % perRow) / perToken] == 0) {
                    continue;
                }
                worst = Math.max(worst, Math.abs(eager[i] - sdpa[i]));
                assertEquals(eager[i], sdpa[i], 1e-5, name + " logit " + i);
            }
        }
    }

    @Test
    void sdpaGivesEagersGradientsForBert() throws Exception {
        Path dir = fixture("bert");
        JsonNode f = new ObjectMapper().readTree(dir.resolve("fixture.json").toFile());
        try (PreTrainedModel model = load(dir, false, "eager")) {
            Map<String, float[]> eager = gradients(model, f);
            model.setAttnImplementation("sdpa");
            Map<String, float[]> sdpa = gradients(model, f);
            assertTrue(eager.size() > 10);
            for (Map.Entry<String, float[]> e : eager.entrySet()) {
                float[] g = sdpa.get(e.getKey());
                assertNotNull(g, e.getKey());
                for (int i = 0; i < g.length; i++) {
                    assertEquals(e.getValue()[i], g[i], 1e-5, e.getKey() + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void theSettingBelongsToOneModel() throws Exception {
        Path dir = fixture("bert");
        try (PreTrainedModel a = load(dir, false, "sdpa"); PreTrainedModel b = load(dir, false, null)) {
            assertEquals("sdpa", a.attnImplementation());
            assertNull(b.attnImplementation(), "unset: auto");
            b.setAttnImplementation("eager");
            assertEquals("sdpa", a.attnImplementation());
            b.setAttnImplementation("auto");
            assertNull(b.attnImplementation());
        }
    }

    @Test
    void badValuesAreOneClearLine() {
        BadInputException bad = assertThrows(BadInputException.class, () -> LoadOptions.builder().attnImplementation("fast"));
        assertTrue(bad.getMessage().contains("eager or sdpa") && bad.getMessage().contains("'fast'"), bad.getMessage());
        BadInputException flash = assertThrows(BadInputException.class, () -> LoadOptions.builder().attnImplementation("flash_attention_2"));
        assertTrue(flash.getMessage().contains("flash_attention_2") && flash.getMessage().contains("libtorch"), flash.getMessage());
        assertEquals("sdpa", LoadOptions.builder().attnImplementation("sdpa").build().attnImplementation());
        assertNull(LoadOptions.builder().attnImplementation("auto").build().attnImplementation());
        BadInputException run = assertThrows(BadInputException.class,
                () -> RunArguments.fromMap(Map.of("attn_implementation", "flash"), "flags"));
        assertTrue(run.getMessage().contains("attn_implementation"), run.getMessage());
        assertEquals("eager", RunArguments.fromMap(Map.of("attn_implementation", "eager"), "flags").model().attnImplementation());
    }

    @Test
    void debertaV2StaysEager() throws Exception {
        Path dir = fixture("deberta-v2");
        try (PreTrainedModel model = load(dir, false, null)) {
            assertNull(model.attnImplementation());
            BadInputException e = assertThrows(BadInputException.class, () -> model.setAttnImplementation("sdpa"));
            assertTrue(e.getMessage().contains("DebertaV2ForSequenceClassification") && e.getMessage().contains("eager"), e.getMessage());
            model.setAttnImplementation("eager");
        }
    }

    @Test
    void autoFollowsTheMeasuredRule() {
        assertEquals("sdpa", AttnImplementation.resolveAuto(Device.Type.CUDA));
        assertEquals("sdpa", AttnImplementation.resolveAuto(Device.Type.CPU), "CPU float32");
        try (Autocast a = Autocast.enable(Device.Type.CPU, DType.BFLOAT16)) {
            assertEquals("eager", AttnImplementation.resolveAuto(Device.Type.CPU), "CPU under bf16 autocast");
        }
        assertEquals("sdpa", AttnImplementation.resolveAuto(Device.Type.CPU), "autocast closed");
    }

    private static Path fixture(String name) {
        Path dir = TransformersFamilyParityTest.ROOT.resolve(name);
        assumeTrue(Files.isRegularFile(dir.resolve("fixture.json")), "no transformers fixture at " + dir + TransformersFamilyParityTest.HOW);
        return dir;
    }

    private static PreTrainedModel load(Path dir, boolean mlm, String attn) {
        LoadOptions options = LoadOptions.builder().device(Device.cpu()).attnImplementation(attn).build();
        return mlm ? AutoModelForMaskedLM.fromPretrained(dir, options) : AutoModelForSequenceClassification.fromPretrained(dir, options);
    }

    private static boolean hasPadding(JsonNode f) {
        for (long[] row : TransformersFamilyParityTest.longs(f.get("attention_mask"))) {
            for (long m : row) {
                if (m == 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Tensor logits(PreTrainedModel model, JsonNode f) {
        Tensor ids = TransformersFamilyParityTest.tensor(TransformersFamilyParityTest.longs(f.get("input_ids")));
        Tensor types = f.get("token_type_ids").isNull() ? null : TransformersFamilyParityTest.tensor(TransformersFamilyParityTest.longs(f.get("token_type_ids")));
        Tensor mask = TransformersFamilyParityTest.tensor(TransformersFamilyParityTest.longs(f.get("attention_mask")));
        return model instanceof MaskedLMModel m ? m.logits(ids, types, mask, false)
                : ((SequenceClassificationModel) model).logits(ids, types, mask, false);
    }

    /** Gradients of the fixture's loss (dropout off), by parameter name; the model's gradients are zeroed after. */
    private static Map<String, float[]> gradients(PreTrainedModel model, JsonNode f) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (Scope step = Scope.open(); Autograd g = Autograd.enableGrad()) {
            Tensor ids = TransformersFamilyParityTest.tensor(TransformersFamilyParityTest.longs(f.get("input_ids")));
            Tensor types = f.get("token_type_ids").isNull() ? null : TransformersFamilyParityTest.tensor(TransformersFamilyParityTest.longs(f.get("token_type_ids")));
            Tensor mask = TransformersFamilyParityTest.tensor(TransformersFamilyParityTest.longs(f.get("attention_mask")));
            SequenceClassifierOutput o = ((SequenceClassificationModel) model).forward(ids, types, mask,
                    Tensor.of(TransformersFamilyParityTest.longs1(f.get("labels"))), false);
            o.loss().backward();
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                Tensor grad = e.getValue().data().grad();
                if (grad != null) {
                    out.put(e.getKey(), grad.toFloatArray());
                }
            }
        }
        model.zeroGradients();
        return out;
    }
}
