package io.finetune4j.onnx;

import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.roberta.RobertaConfig;
import java.util.List;

/**
 * HF's {@code RobertaForSequenceClassification}: BERT's encoder with RoBERTa's embeddings (position
 * ids counted from {@code padding_idx + 1} over non-pad tokens, {@code cumsum(ids != pad)·(ids != pad)
 * + pad}, and a single token type) and its classification head ({@code classifier.dense} + tanh +
 * {@code classifier.out_proj} on the first token; no pooler). Inputs {@code input_ids},
 * {@code attention_mask}, as HF's own ONNX exports of RoBERTa.
 */
final class RobertaExporter implements FamilyExporter {
    @Override
    public List<String> modelTypes() {
        return List.of("roberta", "xlm-roberta");
    }

    @Override
    public List<String> inputs(ExportSource source) {
        return List.of(INPUT_IDS, ATTENTION_MASK);
    }

    @Override
    public void build(Layers l) {
        OnnxGraph g = l.graph();
        ExportSource s = l.source();
        BertConfig c = s.config(RobertaConfig.class).bert();
        String act = Layers.activationName(s, "hidden_act", c.hiddenAct());
        int hidden = c.hiddenSize();
        int layers = c.numHiddenLayers();
        int heads = c.numAttentionHeads();
        int intermediate = c.intermediateSize();
        int pad = c.padTokenId();
        double eps = c.layerNormEps();
        int numLabels = Math.toIntExact(s.shape("classifier.out_proj.weight")[0]);

        String ids = g.input(INPUT_IDS, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);
        String mask = g.input(ATTENTION_MASK, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);

        String p = s.base() + ".embeddings";
        String wordName = p + ".word_embeddings.weight";
        long[] wordShape = s.shape(wordName);
        String word = g.op("Gather", g.floats(wordName, s.floats(wordName, wordShape[0], hidden), wordShape[0], hidden), ids);
        // create_position_ids_from_input_ids: non-pad tokens get pad+1, pad+2, ...; pads get pad
        String notPad = g.op("Cast", g.op("Not", g.op("Equal", ids, g.longScalar(pad))), OnnxProto.attrInt("to", OnnxProto.TensorProto.INT64));
        String counted = g.op("Mul", g.op("CumSum", notPad, g.longScalar(1)), notPad);
        String positionIds = g.op("Add", counted, g.longScalar(pad));
        String posName = p + ".position_embeddings.weight";
        long[] posShape = s.shape(posName);
        String pos = g.op("Gather", g.floats(posName, s.floats(posName, posShape[0], hidden), posShape[0], hidden), positionIds);
        // one token type (type_vocab_size 1): row 0 added everywhere
        String typeName = p + ".token_type_embeddings.weight";
        long[] typeShape = s.shape(typeName);
        float[] types = s.floats(typeName, typeShape[0], hidden);
        String type0 = g.floats(typeName + ".row0", java.util.Arrays.copyOf(types, hidden), hidden);
        String x = l.layerNorm(g.op("Add", g.op("Add", word, pos), type0), p + ".LayerNorm", hidden, eps);

        String extendedMask = BertExporter.extendedMask(g, mask);
        for (int i = 0; i < layers; i++) {
            x = BertExporter.encoderLayer(l, BertExporter.LayerNames.bert(s.layer(i)), x, extendedMask, hidden, heads, intermediate,
                    eps, act);
        }
        String first = g.op("Gather", x, g.longScalar(0), OnnxProto.attrInt("axis", 1));
        String dense = g.op("Tanh", l.linear(first, "classifier.dense", hidden, hidden));
        String logits = l.linear(dense, "classifier.out_proj", hidden, numLabels);
        g.opInto("Identity", LOGITS, List.of(logits));
        g.output(LOGITS, OnnxProto.TensorProto.FLOAT, BATCH, numLabels);
    }
}
