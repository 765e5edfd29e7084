package io.finetune4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.Tensor;
import io.finetune4j.pipeline.RuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RoBERTa's export checked against the BERT export (itself pinned to HF's logits): a RoBERTa checkpoint
 * made from a BERT one — the same encoder, position table shifted by RoBERTa's {@code pad + 1} offset,
 * token type row 0, {@code classifier.dense} = BERT's pooler, {@code classifier.out_proj} = BERT's
 * classifier — gives BERT's logits for token_type_ids 0, padded batches included.
 */
class RobertaExportTest {
    @TempDir
    Path tmp;

    @Test
    void robertaGraphEqualsTheEquivalentBertGraph() throws Exception {
        Path bert = TinyExports.classifier(tmp, "bert", TinyExports.config(3, 2), 5);
        Map<String, Tensor> w = SafeTensors.readCheckpoint(bert);
        Map<String, Tensor> r = new LinkedHashMap<>();
        int hidden = 32;
        w.forEach((name, t) -> {
            if (name.startsWith("bert.encoder.")) {
                r.put("roberta." + name.substring("bert.".length()), t);
            }
        });
        r.put("roberta.embeddings.word_embeddings.weight", w.get("bert.embeddings.word_embeddings.weight"));
        r.put("roberta.embeddings.LayerNorm.weight", w.get("bert.embeddings.LayerNorm.weight"));
        r.put("roberta.embeddings.LayerNorm.bias", w.get("bert.embeddings.LayerNorm.bias"));
        float[] pos = w.get("bert.embeddings.position_embeddings.weight").toFloats();
        int positions = pos.length / hidden;
        float[] shifted = new float[(positions + 1) * hidden]; // pad_token_id 0: token k (from 0) gets position k + 1
        System.arraycopy(pos, 0, shifted, hidden, pos.length);
        r.put("roberta.embeddings.position_embeddings.weight", Tensor.ofFloats(new long[] {positions + 1, hidden}, shifted));
        float[] types = w.get("bert.embeddings.token_type_embeddings.weight").toFloats();
        r.put("roberta.embeddings.token_type_embeddings.weight", Tensor.ofFloats(new long[] {1, hidden}, Arrays.copyOf(types, hidden)));
        r.put("classifier.dense.weight", w.get("bert.pooler.dense.weight"));
        r.put("classifier.dense.bias", w.get("bert.pooler.dense.bias"));
        r.put("classifier.out_proj.weight", w.get("classifier.weight"));
        r.put("classifier.out_proj.bias", w.get("classifier.bias"));

        Path roberta = Files.createDirectories(tmp.resolve("roberta"));
        SafeTensors.write(roberta.resolve("model.safetensors"), r, Map.of("format", "pt"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(bert.resolve("config.json").toFile());
        config.put("model_type", "roberta").put("pad_token_id", 0).put("type_vocab_size", 1).put("max_position_embeddings", positions + 1);
        Files.writeString(roberta.resolve("config.json"), json.writeValueAsString(config));
        TinyExports.writeTokenizer(roberta);

        Path bertOut = tmp.resolve("bert-onnx");
        Path robertaOut = tmp.resolve("roberta-onnx");
        OnnxExporter.export(bert, bertOut, OnnxExporter.Options.defaults());
        OnnxExporter.export(roberta, robertaOut, OnnxExporter.Options.defaults());
        // two rows, the second padded with id 0 after 3 tokens
        long[] ids = {101, 2023, 3185, 2003, 2307, 102, 101, 2204, 102, 0, 0, 0};
        long[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0};
        try (OnnxRuntimeModel b = OnnxRuntimeModel.open(bertOut, RuntimeOptions.defaults());
             OnnxRuntimeModel ro = OnnxRuntimeModel.open(robertaOut, RuntimeOptions.defaults())) {
            assertEquals(java.util.List.of("input_ids", "attention_mask"), ro.inputNames());
            float[] expected = b.logits(ids, mask, new long[ids.length], 2, 6);
            float[] actual = ro.logits(ids, mask, null, 2, 6);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5, "logit " + i);
            }
        }
    }
}
