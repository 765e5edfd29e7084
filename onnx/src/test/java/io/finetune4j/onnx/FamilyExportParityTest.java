package io.finetune4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import io.finetune4j.models.FamilyTests;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.models.albert.AlbertConfig;
import io.finetune4j.models.albert.AlbertForSequenceClassification;
import io.finetune4j.models.debertav2.DebertaV2Config;
import io.finetune4j.models.debertav2.DebertaV2ForSequenceClassification;
import io.finetune4j.models.distilbert.DistilBertConfig;
import io.finetune4j.models.distilbert.DistilBertForSequenceClassification;
import io.finetune4j.models.electra.ElectraConfig;
import io.finetune4j.models.electra.ElectraForSequenceClassification;
import io.finetune4j.models.modernbert.ModernBertConfig;
import io.finetune4j.models.modernbert.ModernBertForSequenceClassification;
import io.finetune4j.pipeline.RuntimeOptions;
import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.torch.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DistilBERT, ELECTRA, ALBERT, DeBERTa-v2/v3 and ModernBERT exports on a real ONNX Runtime session: tiny random DJL models (every weight
 * scrambled) saved as checkpoints, exported float32 and int8; ONNX Runtime's probabilities equal the DJL model's
 * within 1e-4 on a batch of 8 rows of different lengths (padding included), and the int8 model picks the same
 * label for most rows.
 */
class FamilyExportParityTest {
    static final int BATCH = 8;
    static final int SEQ = 12;
    /** Rows of different lengths: the batch is padded to the longest. */
    static final int[] LENGTHS = {12, 7, 3, 12, 10, 5, 9, 12};

    @TempDir
    Path tmp;

    @Test
    void distilbert() throws Exception {
        // sinusoidal_pos_embds needs nothing more: the (frozen) table is in the checkpoint either way and read as is
        DistilBertConfig c = DistilBertConfig.tiny(false);
        check("distilbert", DistilBertForSequenceClassification.CLASS, c.withNumLabels(3), c.padTokenId(), false, List.of("input_ids", "attention_mask"));
    }

    @Test
    void electra() throws Exception {
        // embedding_size 16 < hidden 32: embeddings_project; 32: none
        for (int embeddingSize : new int[] {16, 32}) {
            ElectraConfig c = ElectraConfig.tiny(embeddingSize);
            check("electra-" + embeddingSize, ElectraForSequenceClassification.CLASS, c.withNumLabels(3), 0, true,
                    List.of("input_ids", "attention_mask", "token_type_ids"));
        }
    }

    @Test
    void albert() throws Exception {
        // 4 layers over 1 group (one layer run 4 times), over 2 groups, and 2 groups of 2 inner layers
        AlbertConfig oneGroup = AlbertConfig.tiny(1);
        AlbertConfig twoGroups = AlbertConfig.tiny(2);
        PretrainedConfig inner = twoGroups.edit(j -> j.put("inner_group_num", 2).put("hidden_act", "gelu"));
        check("albert-1", AlbertForSequenceClassification.CLASS, oneGroup.withNumLabels(3), 0, true, List.of("input_ids", "attention_mask", "token_type_ids"));
        check("albert-2", AlbertForSequenceClassification.CLASS, twoGroups, 0, true, List.of("input_ids", "attention_mask", "token_type_ids"));
        check("albert-2x2", AlbertForSequenceClassification.CLASS, inner.withNumLabels(3), 0, true, List.of("input_ids", "attention_mask", "token_type_ids"));
    }

    @Test
    void debertaV2() throws Exception {
        // v3's shape (relative attention, 8 log buckets, shared keys, LayerNorm'd rel embeddings, no token types or
        // absolute positions), and v2's (absolute positions, token types, own pos_key_proj/pos_query_proj, c2p only too)
        DebertaV2Config v3 = DebertaV2Config.tiny();
        check("deberta-v3", DebertaV2ForSequenceClassification.CLASS, v3.withNumLabels(3), 0, false, List.of("input_ids", "attention_mask"));
        PretrainedConfig v2 = v3.edit(j -> j.put("position_biased_input", true).put("type_vocab_size", 2).put("share_att_key", false)
                .put("norm_rel_ebd", "none").put("position_buckets", -1).put("max_relative_positions", 16).put("hidden_act", "gelu_new"));
        check("deberta-v2", DebertaV2ForSequenceClassification.CLASS, v2.withNumLabels(3), 0, true,
                List.of("input_ids", "attention_mask", "token_type_ids"));
        PretrainedConfig c2pOnly = v2.edit(j -> j.put("pos_att_type", "c2p").put("embedding_size", 16));
        check("deberta-v2-c2p", DebertaV2ForSequenceClassification.CLASS, c2pOnly, 0, true, List.of("input_ids", "attention_mask", "token_type_ids"));
    }

    @Test
    void modernbert() throws Exception {
        // 3 layers (global, sliding window of 4, sliding) over 12 tokens: the window cuts; then mean pooling with every bias on
        ModernBertConfig c = ModernBertConfig.tiny();
        check("modernbert", ModernBertForSequenceClassification.CLASS, c.withNumLabels(3), c.padTokenId(), false, List.of("input_ids", "attention_mask"));
        PretrainedConfig biased = c.edit(j -> j.put("classifier_pooling", "mean").put("norm_bias", true).put("attention_bias", true)
                .put("mlp_bias", true).put("classifier_bias", true).put("classifier_activation", "gelu_new").put("global_attn_every_n_layers", 2));
        check("modernbert-mean", ModernBertForSequenceClassification.CLASS, biased.withNumLabels(3), c.padTokenId(), false,
                List.of("input_ids", "attention_mask"));
    }

    /**
     * The same through the pipeline on texts (bert-base-uncased's tokenizer, batches of 4 padded to their longest):
     * ONNX Runtime's probabilities equal the DJL runtime's within 1e-4 with the same best label.
     */
    @Test
    void textsThroughThePipelineGiveTheDjlProbabilities() throws Exception {
        List<PretrainedConfig> configs = List.of(DistilBertConfig.tiny(false), ElectraConfig.tiny(16), AlbertConfig.tiny(2),
                DebertaV2Config.tiny(), ModernBertConfig.tiny());
        for (PretrainedConfig tiny : configs) {
            PretrainedConfig c = tiny.edit(j -> j.put("vocab_size", 30522)).withNumLabels(3);
            Path dir = tmp.resolve("texts-" + c.modelType());
            try (SequenceClassificationModel model = FamilyTests.scramble(
                    io.finetune4j.models.auto.AutoModelForSequenceClassification.fromConfig(c, 13, Device.cpu()), 17)) {
                model.savePretrained(dir);
            }
            TinyExports.writeTokenizer(dir);
            Path out = tmp.resolve("texts-" + c.modelType() + "-onnx");
            OnnxExporter.export(dir, out, OnnxExporter.Options.defaults());
            OnnxExportTest.assertSameScores(TextClassificationPipeline.builder().model(dir).runtime("torch").topK(0).batchSize(4),
                    TextClassificationPipeline.builder().model(out).runtime("onnx").topK(0).batchSize(4), 1e-4, true);
        }
    }

    /** The ops the DeBERTa and ModernBERT graphs add (GatherElements, Range, Where, Squeeze, ReduceSum …) at the newest opset. */
    @Test
    void newestOpset() throws Exception {
        check("deberta-v3-opset" + OnnxExporter.MAX_OPSET, DebertaV2ForSequenceClassification.CLASS, DebertaV2Config.tiny(), 0, false,
                List.of("input_ids", "attention_mask"), OnnxExporter.MAX_OPSET);
        check("modernbert-mean-opset" + OnnxExporter.MAX_OPSET, ModernBertForSequenceClassification.CLASS,
                ModernBertConfig.tiny().edit(j -> j.put("classifier_pooling", "mean")), 0, false, List.of("input_ids", "attention_mask"),
                OnnxExporter.MAX_OPSET);
    }

    @Test
    void unsupportedFamilyIsOneLineNamingTheSupportedOnes() throws Exception {
        Path dir = TinyExports.classifier(tmp, "bert", TinyExports.config(2, 1), 3);
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json")).replace("\"bert\"", "\"gpt2\""));
        BadInputException e = assertThrows(BadInputException.class, () -> OnnxExporter.export(dir, tmp.resolve("gpt2-onnx"), OnnxExporter.Options.defaults()));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(e.getMessage().contains("model_type 'gpt2'"), e.getMessage());
        for (String type : List.of("bert", "roberta", "xlm-roberta", "distilbert", "electra", "albert", "deberta-v2", "modernbert")) {
            assertTrue(e.getMessage().contains(type), type + " in " + e.getMessage());
        }
        assertTrue(!Files.exists(tmp.resolve("gpt2-onnx")));

        // DeBERTa-v2's ConvLayer has no export: refused in one line, nothing written
        Path deberta = tmp.resolve("deberta-conv");
        try (DebertaV2ForSequenceClassification model = DebertaV2ForSequenceClassification.CLASS.fromConfig(
                DebertaV2Config.tiny().edit(j -> j.put("conv_kernel_size", 3)), 3, Device.cpu())) {
            model.savePretrained(deberta);
        }
        TinyExports.writeTokenizer(deberta);
        BadInputException conv = assertThrows(BadInputException.class,
                () -> OnnxExporter.export(deberta, tmp.resolve("deberta-conv-onnx"), OnnxExporter.Options.defaults()));
        assertEquals(1, conv.getMessage().lines().count(), conv.getMessage());
        assertTrue(conv.getMessage().contains("conv_kernel_size 3"), conv.getMessage());
        assertTrue(!Files.exists(tmp.resolve("deberta-conv-onnx")));
    }

    private <M extends SequenceClassificationModel> void check(String name, ModelClass<M> cls, PretrainedConfig config, long pad, boolean tokenTypes,
            List<String> inputs) throws Exception {
        check(name, cls, config, pad, tokenTypes, inputs, OnnxExporter.DEFAULT_OPSET);
    }

    private <M extends SequenceClassificationModel> void check(String name, ModelClass<M> cls, PretrainedConfig config, long pad, boolean tokenTypes,
            List<String> inputs, int opset) throws Exception {
        int vocab = Math.toIntExact(config.toJson().get("vocab_size").asLong());
        long[][] ids = FamilyTests.randomIds(BATCH, SEQ, vocab, 5, 1);
        long[][] mask = new long[BATCH][SEQ];
        long[][] types = new long[BATCH][SEQ];
        Random r = new Random(9);
        for (int b = 0; b < BATCH; b++) {
            int second = 1 + r.nextInt(LENGTHS[b]); // a second segment starts here
            for (int t = 0; t < SEQ; t++) {
                boolean real = t < LENGTHS[b];
                ids[b][t] = real ? ids[b][t] : pad;
                mask[b][t] = real ? 1 : 0;
                types[b][t] = real && t >= second ? 1 : 0;
            }
        }
        Path dir = tmp.resolve(name);
        float[] djl;
        int numLabels = config.numLabels();
        try (M model = FamilyTests.scramble(cls.fromConfig(config, 7, Device.cpu()), 11)) {
            djl = FamilyTests.classifierLogits(model, ids, tokenTypes ? types : null, mask);
            model.savePretrained(dir);
        }
        TinyExports.writeTokenizer(dir); // the graph is fed ids directly; the export only carries these files
        Path out = tmp.resolve(name + "-onnx");
        OnnxExporter.export(dir, out, OnnxExporter.Options.defaults().withQuantization(Quantization.INT8).withOpset(opset));
        long[] flatIds = flat(ids);
        long[] flatMask = flat(mask);
        long[] flatTypes = flat(types);
        try (OnnxRuntimeModel m = OnnxRuntimeModel.open(out, RuntimeOptions.defaults());
             OnnxRuntimeModel q = OnnxRuntimeModel.open(out, new RuntimeOptions(null, true))) {
            assertEquals(inputs, m.inputNames(), name);
            assertEquals(numLabels, m.numLabels(), name);
            float[] ort = m.logits(flatIds, flatMask, flatTypes, BATCH, SEQ);
            float[] int8 = q.logits(flatIds, flatMask, flatTypes, BATCH, SEQ);
            int sameLabel = 0;
            for (int b = 0; b < BATCH; b++) {
                double[] p = softmax(djl, b, numLabels);
                double[] o = softmax(ort, b, numLabels);
                for (int j = 0; j < numLabels; j++) {
                    assertEquals(djl[b * numLabels + j], ort[b * numLabels + j], 1e-4, name + " row " + b + " logit " + j);
                    assertEquals(p[j], o[j], 1e-4, name + " row " + b + " probability " + j);
                }
                sameLabel += argmax(djl, b, numLabels) == argmax(int8, b, numLabels) ? 1 : 0;
            }
            assertTrue(sameLabel >= BATCH - 2, name + ": int8 picks the float label for " + sameLabel + " of " + BATCH + " rows");
        }
    }

    private static long[] flat(long[][] rows) {
        long[] out = new long[rows.length * rows[0].length];
        for (int b = 0; b < rows.length; b++) {
            System.arraycopy(rows[b], 0, out, b * rows[b].length, rows[b].length);
        }
        return out;
    }

    private static double[] softmax(float[] logits, int row, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, logits[row * n + j]);
        }
        double[] p = new double[n];
        double sum = 0;
        for (int j = 0; j < n; j++) {
            p[j] = Math.exp(logits[row * n + j] - max);
            sum += p[j];
        }
        for (int j = 0; j < n; j++) {
            p[j] /= sum;
        }
        return p;
    }

    private static int argmax(float[] logits, int row, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (logits[row * n + j] > logits[row * n + best]) {
                best = j;
            }
        }
        return best;
    }
}
