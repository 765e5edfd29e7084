package io.finetune4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune4j.BadInputException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.models.auto.AutoModelForMaskedLM;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity with Python transformers, one tiny random model per family and head, made by
 * {@code tests/fixtures/make_family_fixtures.py} (it needs torch + transformers, which this machine lacks).
 * Each folder is loaded through the registry (AutoModelForSequenceClassification / AutoModelForMaskedLM), must load
 * every tensor, and must give HF's logits within 1e-4 (masked-LM logits at real tokens only: HF's unpadded
 * ModernBERT returns zeros at padding) and HF's loss. A folder that is absent is skipped with a message saying how
 * to make it. Each case runs with attn_implementation as the default (auto) and with sdpa forced; DeBERTa-v2 refuses
 * sdpa (as HF raises for a model without {@code _supports_sdpa}).
 */
class TransformersFamilyParityTest {
    static final Path ROOT = Path.of("tests/fixtures/families");
    static final String HOW = "; run `python tests/fixtures/make_family_fixtures.py` where torch + transformers are installed";

    static Stream<Arguments> fixtures() {
        return Stream.of("bert", "roberta", "xlm-roberta", "distilbert", "electra", "albert", "deberta-v2", "modernbert")
                .flatMap(t -> Stream.of(t, t + "-mlm"))
                .flatMap(t -> Stream.of(Arguments.of(t, "default"), Arguments.of(t, "sdpa")));
    }

    @ParameterizedTest(name = "{0} attn {1}")
    @MethodSource("fixtures")
    void logitsAndLossMatchTransformers(String name, String attn) throws Exception {
        Path dir = ROOT.resolve(name);
        assumeTrue(Files.isRegularFile(dir.resolve("fixture.json")), "no transformers fixture at " + dir + HOW);
        JsonNode f = new ObjectMapper().readTree(dir.resolve("fixture.json").toFile());
        boolean mlm = name.endsWith("-mlm");
        LoadOptions options = LoadOptions.builder().device(Device.cpu()).attnImplementation(attn.equals("default") ? null : attn).build();
        if (name.startsWith("deberta") && attn.equals("sdpa")) {
            BadInputException e = assertThrows(BadInputException.class, () -> (mlm ? AutoModelForMaskedLM.fromPretrained(dir, options)
                    : AutoModelForSequenceClassification.fromPretrained(dir, options)).close());
            assertTrue(e.getMessage().contains("does not support attn_implementation 'sdpa'"), e.getMessage());
            return;
        }
        try (PreTrainedModel model = mlm ? AutoModelForMaskedLM.fromPretrained(dir, options) : AutoModelForSequenceClassification.fromPretrained(dir, options);
                Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
            assertEquals(f.get("model_class").asText(), model.architecture(), "the registry picked HF's class");
            assertTrue(model.loadReport().missingKeys().isEmpty(), name + " missing: " + model.loadReport().missingKeys());
            assertTrue(model.loadReport().unexpectedKeys().isEmpty(), name + " unexpected: " + model.loadReport().unexpectedKeys());
            Tensor ids = tensor(longs(f.get("input_ids")));
            Tensor types = f.get("token_type_ids").isNull() ? null : tensor(longs(f.get("token_type_ids")));
            long[][] maskRows = longs(f.get("attention_mask"));
            Tensor mask = tensor(maskRows);
            Tensor logits;
            Tensor loss;
            if (mlm) {
                MaskedLMOutput out = ((MaskedLMModel) model).forward(ids, types, mask, tensor(longs(f.get("labels"))), false);
                logits = out.logits();
                loss = out.loss();
            } else {
                SequenceClassifierOutput out = ((SequenceClassificationModel) model).forward(ids, types, mask,
                        Tensor.of(longs1(f.get("labels"))), false);
                logits = out.logits();
                loss = out.loss();
            }
            float[] got = logits.toFloatArray();
            int k = 0;
            int b = 0;
            for (JsonNode row : f.get("logits")) {
                if (mlm) {
                    int pos = 0;
                    for (JsonNode position : row) {
                        for (JsonNode v : position) {
                            if (maskRows[b][pos] == 1) {
                                assertEquals(v.asDouble(), got[k], 1e-4, name + " logit " + k);
                            }
                            k++;
                        }
                        pos++;
                    }
                } else {
                    for (JsonNode v : row) {
                        assertEquals(v.asDouble(), got[k], 1e-4, name + " logit " + k);
                        k++;
                    }
                }
                b++;
            }
            assertEquals(got.length, k, "logit count");
            assertEquals(f.get("loss").asDouble(), loss.item(), 1e-4, name + " loss");
        }
    }

    static Tensor tensor(long[][] rows) {
        long[] flat = java.util.Arrays.stream(rows).flatMapToLong(java.util.Arrays::stream).toArray();
        return Tensor.of(flat, rows.length, rows.length == 0 ? 0 : rows[0].length);
    }

    static long[][] longs(JsonNode rows) {
        long[][] out = new long[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            out[i] = longs1(rows.get(i));
        }
        return out;
    }

    static long[] longs1(JsonNode row) {
        long[] out = new long[row.size()];
        for (int j = 0; j < row.size(); j++) {
            out[j] = row.get(j).asLong();
        }
        return out;
    }
}
