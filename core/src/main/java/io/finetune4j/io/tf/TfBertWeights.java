package io.finetune4j.io.tf;

import io.finetune4j.BadInputException;
import io.finetune4j.io.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Google's TF BERT variable names → Hugging Face {@code BertForMaskedLM} state-dict names, as HF's
 * {@code load_tf_weights_in_bert} does: {@code layer_N} → {@code layer.N}, {@code gamma/beta} →
 * {@code weight/bias}, dense {@code kernel} → {@code weight} transposed (TF stores [in, out], torch
 * {@code Linear.weight} is [out, in]), embedding tables → {@code .weight} unchanged.
 */
public final class TfBertWeights {
    private static final Logger LOG = LoggerFactory.getLogger(TfBertWeights.class);
    private static final Pattern LAYER = Pattern.compile("/layer_(\\d+)/");

    private TfBertWeights() {}

    /** What a TF variable becomes: its HF name and whether its 2-D values must be transposed. */
    public record Mapping(String hfName, boolean transpose) {}

    /**
     * The HF name of a TF BERT variable ({@code module/} prefix optional), or empty for training
     * state that is not a weight (global_step, Adam slots).
     */
    public static Optional<Mapping> map(String tfName) {
        String name = tfName.startsWith("module/") ? tfName.substring("module/".length()) : tfName;
        if (name.equals("global_step") || name.endsWith("/adam_m") || name.endsWith("/adam_v")) {
            return Optional.empty();
        }
        if (!name.startsWith("bert/") && !name.startsWith("cls/")) {
            throw new IllegalArgumentException("'" + tfName + "' is not a BERT variable (expected bert/... or cls/...)");
        }
        switch (name) {
            case "cls/predictions/output_bias":
                return Optional.of(new Mapping("cls.predictions.bias", false));
            case "cls/seq_relationship/output_weights": // already [out, in]
                return Optional.of(new Mapping("cls.seq_relationship.weight", false));
            case "cls/seq_relationship/output_bias":
                return Optional.of(new Mapping("cls.seq_relationship.bias", false));
            default:
                break;
        }
        name = LAYER.matcher(name).replaceAll("/layer.$1/");
        int slash = name.lastIndexOf('/');
        String parent = name.substring(0, slash).replace('/', '.');
        String leaf = name.substring(slash + 1);
        return Optional.of(switch (leaf) {
            case "kernel" -> new Mapping(parent + ".weight", true);
            case "gamma" -> new Mapping(parent + ".weight", false);
            case "beta", "bias" -> new Mapping(parent + ".bias", false);
            case "word_embeddings", "position_embeddings", "token_type_embeddings" -> new Mapping(parent + "." + leaf + ".weight", false);
            default -> throw new IllegalArgumentException("'" + tfName + "' has an unknown BERT variable kind '" + leaf + "'");
        });
    }

    /** Every weight of the checkpoint under its HF name, kernels transposed, in the checkpoint's order. */
    public static Map<String, Tensor> toHuggingFace(TfCheckpoint checkpoint) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String tfName : checkpoint.names()) {
            Optional<Mapping> m;
            try {
                m = map(tfName);
            } catch (IllegalArgumentException e) {
                throw new BadInputException("cannot convert TensorFlow checkpoint " + checkpoint.prefix() + ": variable " + e.getMessage()
                        + " (only Google BERT checkpoints are supported)");
            }
            if (m.isEmpty()) {
                LOG.debug("skipping training state {}", tfName);
                continue;
            }
            Tensor t = checkpoint.tensor(tfName);
            if (m.get().transpose()) {
                if (t.shape().length != 2) {
                    throw new BadInputException("variable '" + tfName + "' of TensorFlow checkpoint " + checkpoint.prefix()
                            + " is a kernel but has " + t.shape().length + " dimensions, not 2");
                }
                t = transpose(t);
            }
            if (out.put(m.get().hfName(), t) != null) {
                throw new BadInputException("TensorFlow checkpoint " + checkpoint.prefix() + " has two variables for " + m.get().hfName());
            }
        }
        return out;
    }

    /** A 2-D tensor's transpose, copied to the heap. */
    public static Tensor transpose(Tensor t) {
        int rows = Math.toIntExact(t.shape()[0]);
        int cols = Math.toIntExact(t.shape()[1]);
        int width = t.dtype().bytes;
        ByteBuffer src = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (width == 4) { // the common float32 case, element-wise rather than byte-wise
            int[] in = new int[rows * cols];
            src.asIntBuffer().get(in);
            int[] out = new int[in.length];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    out[c * rows + r] = in[r * cols + c];
                }
            }
            ByteBuffer b = ByteBuffer.allocate(out.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(out);
            return new Tensor(t.dtype(), new long[] {cols, rows}, b);
        }
        byte[] in = new byte[src.remaining()];
        src.get(in);
        byte[] out = new byte[in.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                System.arraycopy(in, (r * cols + c) * width, out, (c * rows + r) * width, width);
            }
        }
        return new Tensor(t.dtype(), new long[] {cols, rows}, ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN));
    }
}
