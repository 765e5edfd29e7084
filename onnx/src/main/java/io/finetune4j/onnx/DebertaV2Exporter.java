package io.finetune4j.onnx;

import io.finetune4j.BadInputException;
import io.finetune4j.models.debertav2.DebertaV2Config;
import io.finetune4j.models.debertav2.RelativePositions;
import java.util.List;

/**
 * HF's {@code DebertaV2ForSequenceClassification} (DeBERTa-v2 and v3): embeddings (word, absolute positions when
 * {@code position_biased_input}, token types when {@code type_vocab_size > 0}, {@code embed_proj} when
 * {@code embedding_size} differs, LayerNorm, zeroed at padding), post-LN layers with disentangled attention
 * (content→content, and over relative distances content→position and position→content, each scaled by
 * {@code 1/√(head_size · terms)}, gathered with {@code GatherElements} from index tables precomputed for
 * {@code max_position_embeddings} tokens and sliced to the sequence; {@code rel_embeddings} LayerNorm'd when
 * {@code norm_rel_ebd} says so; shared query/key projections when {@code share_att_key}), the pair mask
 * {@code mask_i·mask_j} applied as {@code scores·m + (1 − m)·finfo.min}, then {@code ContextPooler} (first token,
 * dense, pooler activation) and {@code classifier}. config.json is read by core's {@code DebertaV2Config} and the
 * relative positions by core's {@code RelativePositions}, so the graph uses the libtorch model's values. The optional
 * ConvLayer ({@code conv_kernel_size > 0}, deberta-v2-xlarge) has no export yet.
 */
final class DebertaV2Exporter implements FamilyExporter {
    @Override
    public List<String> modelTypes() {
        return List.of(DebertaV2Config.MODEL_TYPE);
    }

    static DebertaV2Config config(ExportSource s) {
        return s.config(DebertaV2Config.class);
    }

    @Override
    public List<String> inputs(ExportSource source) {
        return config(source).typeVocabSize() > 0 ? List.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS) : List.of(INPUT_IDS, ATTENTION_MASK);
    }

    @Override
    public int maxInputLength(ExportSource source) {
        return config(source).maxPositionEmbeddings();
    }

    @Override
    public void build(Layers l) {
        OnnxGraph g = l.graph();
        ExportSource s = l.source();
        DebertaV2Config c = config(s);
        if (c.convKernelSize() > 0) {
            throw new BadInputException("conv_kernel_size " + c.convKernelSize() + " in " + s.dir().resolve("config.json")
                    + " (DeBERTa-v2's ConvLayer) has no ONNX export yet; the export supports DeBERTa-v2/v3 without it");
        }
        String act = Layers.activationName(s, "hidden_act", c.hiddenAct());
        String poolerAct = Layers.activationName(s, "pooler_hidden_act", c.poolerHiddenAct());
        int hidden = c.hiddenSize();
        int all = c.allHeadSize();
        if (all != hidden) {
            throw new BadInputException("attention_head_size " + c.attentionHeadSize() + " × num_attention_heads " + c.numAttentionHeads()
                    + " != hidden_size " + hidden + " in " + s.dir().resolve("config.json") + " has no ONNX export yet");
        }
        int emb = c.embeddingSize();
        double eps = c.layerNormEps();
        long[] classifierShape = s.shape("classifier.weight");
        int numLabels = Math.toIntExact(classifierShape[0]);
        int poolerSize = c.poolerHiddenSize();

        String ids = g.input(INPUT_IDS, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);
        String mask = g.input(ATTENTION_MASK, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);
        String types = c.typeVocabSize() > 0 ? g.input(TOKEN_TYPE_IDS, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE) : null;
        String seqLen = g.op("Shape", ids, OnnxProto.attrInt("start", 1), OnnxProto.attrInt("end", 2));
        String m = g.op("Cast", mask, OnnxProto.attrInt("to", OnnxProto.TensorProto.FLOAT));

        // DebertaV2Embeddings
        String p = s.base() + ".embeddings";
        String x = l.embedding(p + ".word_embeddings.weight", ids, emb);
        if (c.positionBiasedInput()) {
            String posName = p + ".position_embeddings.weight";
            long[] posShape = s.shape(posName);
            String table = g.floats(posName, s.floats(posName, posShape[0], emb), posShape[0], emb);
            x = g.op("Add", x, g.op("Slice", List.of(table, g.longs1d(0), seqLen, g.longs1d(0))));
        }
        if (types != null) {
            x = g.op("Add", x, l.embedding(p + ".token_type_embeddings.weight", types, emb));
        }
        if (emb != hidden) {
            x = l.linear(x, p + ".embed_proj", emb, hidden, false);
        }
        x = g.op("Mul", l.layerNorm(x, p + ".LayerNorm", hidden, eps), g.op("Unsqueeze", m, g.longs1d(-1)));

        // DebertaV2Encoder: the pair mask, the relative tables, the layers
        String pair = g.op("Mul", g.op("Unsqueeze", m, g.longs1d(1, 2)), g.op("Unsqueeze", m, g.longs1d(1, 3))); // [batch, 1, seq, seq]
        String pairFill = g.op("Mul", g.op("Sub", g.scalar(1f), pair), g.scalar(-Float.MAX_VALUE));
        String rel = null;
        String c2pIndex = null;
        String p2cIndex = null;
        int span = c.posEbdSize();
        if (c.relativeAttention()) {
            String relName = s.base() + ".encoder.rel_embeddings.weight";
            rel = g.floats(relName, s.floats(relName, 2L * span, hidden), 2L * span, hidden);
            if (c.normRelEmbeddings()) {
                rel = l.layerNorm(rel, s.base() + ".encoder.LayerNorm", hidden, eps);
            }
            int n = c.maxPositionEmbeddings();
            long[] c2p = new long[n * n];
            long[] p2c = new long[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    long r = RelativePositions.relativePosition(i, j, c.positionBuckets(), c.effectiveMaxRelativePositions());
                    c2p[i * n + j] = Math.max(0, Math.min(2L * span - 1, r + span));
                    p2c[i * n + j] = Math.max(0, Math.min(2L * span - 1, -r + span));
                }
            }
            String ends = g.op("Concat", List.of(seqLen, seqLen), OnnxProto.attrInt("axis", 0));
            c2pIndex = g.op("Slice", List.of(g.longs("deberta.c2p_index", c2p, n, n), g.longs1d(0, 0), ends, g.longs1d(0, 1)));
            p2cIndex = g.op("Slice", List.of(g.longs("deberta.p2c_index", p2c, n, n), g.longs1d(0, 0), ends, g.longs1d(0, 1)));
        }
        int heads = c.numAttentionHeads();
        int headSize = c.attentionHeadSize();
        int terms = 1 + (c.c2p() ? 1 : 0) + (c.p2c() ? 1 : 0);
        String invScale = g.scalar((float) (1.0 / Math.sqrt((double) headSize * terms)));
        String headsShape = g.longs1d(0, 0, heads, headSize);
        String posHeadsShape = g.longs1d(1, 2L * span, heads, headSize);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String lp = s.layer(i);
            String sp = lp + ".attention.self";
            String q = heads(g, l.linear(x, sp + ".query_proj", hidden, all), headsShape, 0, 2, 1, 3); // [batch, heads, seq, d]
            String k = heads(g, l.linear(x, sp + ".key_proj", hidden, all), headsShape, 0, 2, 1, 3);
            String v = heads(g, l.linear(x, sp + ".value_proj", hidden, all), headsShape, 0, 2, 1, 3);
            String qk = g.op("MatMul", q, g.op("Transpose", k, OnnxProto.attrInts("perm", 0, 1, 3, 2)));
            String scores = g.op("Mul", qk, invScale);
            if (rel != null) {
                String full = g.op("Shape", qk); // [batch, heads, seq, seq]
                if (c.c2p()) {
                    String proj = c.shareAttKey() ? sp + ".key_proj" : sp + ".pos_key_proj";
                    String posKey = heads(g, l.linear(rel, proj, hidden, all), posHeadsShape, 0, 2, 3, 1); // [1, heads, d, 2 span]
                    String c2p = g.op("MatMul", q, posKey); // [batch, heads, seq, 2 span]
                    String gathered = g.op("GatherElements", List.of(c2p, g.op("Expand", c2pIndex, full)), OnnxProto.attrInt("axis", 3));
                    scores = g.op("Add", scores, g.op("Mul", gathered, invScale));
                }
                if (c.p2c()) {
                    String proj = c.shareAttKey() ? sp + ".query_proj" : sp + ".pos_query_proj";
                    String posQuery = heads(g, l.linear(rel, proj, hidden, all), posHeadsShape, 0, 2, 3, 1);
                    String p2c = g.op("MatMul", k, posQuery); // [batch, heads, seq (key), 2 span]
                    String gathered = g.op("GatherElements", List.of(p2c, g.op("Expand", p2cIndex, full)), OnnxProto.attrInt("axis", 3));
                    gathered = g.op("Transpose", gathered, OnnxProto.attrInts("perm", 0, 1, 3, 2));
                    scores = g.op("Add", scores, g.op("Mul", gathered, invScale));
                }
            }
            scores = g.op("Add", g.op("Mul", scores, pair), pairFill);
            String probs = g.op("Softmax", scores, OnnxProto.attrInt("axis", -1));
            String context = g.op("Transpose", g.op("MatMul", probs, v), OnnxProto.attrInts("perm", 0, 2, 1, 3));
            context = g.op("Reshape", context, g.longs1d(0, 0, all));
            String attended = l.layerNorm(g.op("Add", l.linear(context, lp + ".attention.output.dense", hidden, hidden), x),
                    lp + ".attention.output.LayerNorm", hidden, eps);
            String inner = l.activation(l.linear(attended, lp + ".intermediate.dense", hidden, c.intermediateSize()), act);
            String out = l.linear(inner, lp + ".output.dense", c.intermediateSize(), hidden);
            x = l.layerNorm(g.op("Add", out, attended), lp + ".output.LayerNorm", hidden, eps);
        }
        String first = g.op("Gather", x, g.longScalar(0), OnnxProto.attrInt("axis", 1));
        String pooled = l.activation(l.linear(first, "pooler.dense", poolerSize, poolerSize), poolerAct);
        String logits = l.linear(pooled, "classifier", Math.toIntExact(classifierShape[1]), numLabels);
        g.opInto("Identity", LOGITS, List.of(logits));
        g.output(LOGITS, OnnxProto.TensorProto.FLOAT, BATCH, numLabels);
    }

    /** {@code x} reshaped to {@code shape} ({@code [.., .., heads, d]}) and transposed by {@code perm}. */
    private static String heads(OnnxGraph g, String x, String shape, long... perm) {
        return g.op("Transpose", g.op("Reshape", x, shape), OnnxProto.attrInts("perm", perm));
    }
}
