package io.finetune4j.pipeline;

import io.finetune4j.BadInputException;
import io.finetune4j.io.hub.PretrainedModels;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.MaskedLMModel;
import io.finetune4j.models.auto.AutoModelForMaskedLM;
import io.finetune4j.tokenize.AutoTokenizer;
import io.finetune4j.tokenize.BatchEncoding;
import io.finetune4j.tokenize.EncodeOptions;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * HF's {@code pipeline("fill-mask", model=...)}: the most likely tokens for each {@code [MASK]} of a
 * text, with HF's output fields.
 *
 * <pre>{@code
 * try (FillMaskPipeline unmasker = Pipelines.fillMask("bert-base-uncased")) {
 *     unmasker.fill("Hello I'm a [MASK] model.");   // fashion 0.107, role 0.088, new 0.053, ...
 * }
 * }</pre>
 *
 * Each call runs the texts as one batch in a native memory scope (closed afterwards), in eval mode under no_grad.
 */
public final class FillMaskPipeline implements AutoCloseable {
    /** HF's default top_k for fill-mask. */
    public static final int DEFAULT_TOP_K = 5;

    /**
     * One candidate for one mask, with HF's fields.
     *
     * @param score    softmax probability of the token at the mask position
     * @param token    the token id
     * @param tokenStr the token decoded on its own (HF's {@code token_str})
     * @param sequence the text with this token in the mask's place, decoded without special tokens
     */
    public record FillMaskResult(double score, int token, String tokenStr, String sequence) {}

    private final MaskedLMModel model;
    private final AutoTokenizer tokenizer;
    private final boolean ownsModel;
    private final boolean ownsTokenizer;
    private final int topK;
    private final int maskId;
    private final int maxLength;

    /** Uses a model and tokenizer already loaded; {@link #close()} leaves them open. */
    public FillMaskPipeline(MaskedLMModel model, AutoTokenizer tokenizer, int topK) {
        this(model, tokenizer, topK, false);
    }

    private FillMaskPipeline(MaskedLMModel model, AutoTokenizer tokenizer, int topK, boolean owns) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.ownsModel = owns;
        this.ownsTokenizer = owns;
        this.topK = topK;
        Integer mask = tokenizer.maskTokenId();
        if (mask == null) {
            throw new BadInputException("the tokenizer of " + tokenizer.directory() + " has no mask_token; fill-mask needs a masked-LM tokenizer");
        }
        this.maskId = mask;
        this.maxLength = io.finetune4j.tokenize.MaxLength.resolve(null, tokenizer.modelMaxLength(), model.config().maxInputLength());
    }

    /** Loads a masked-LM checkpoint folder or known model name, tokenizer from the same folder. */
    public static FillMaskPipeline fromPretrained(String modelPathOrName, int topK, Device device) {
        Path dir = PretrainedModels.resolve(modelPathOrName);
        AutoTokenizer tokenizer = AutoTokenizer.fromPretrained(dir);
        try {
            MaskedLMModel model = AutoModelForMaskedLM.fromPretrained(dir, LoadOptions.builder().device(device).build());
            try {
                return new FillMaskPipeline(model, tokenizer, topK, true);
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /** The candidates for the single mask of {@code text} (HF's shape for one mask). */
    public List<FillMaskResult> fill(String text) {
        List<List<FillMaskResult>> perMask = fillEach(List.of(text), topK).get(0);
        if (perMask.size() != 1) {
            throw new BadInputException("text has " + perMask.size() + " " + tokenizer.maskToken() + " tokens; fill(text) takes exactly one "
                    + "(use fillEach for several)");
        }
        return perMask.get(0);
    }

    /** The candidates for every mask of {@code text}, one list per mask in text order (HF's shape for several masks). */
    public List<List<FillMaskResult>> fillEach(String text) {
        return fillEach(List.of(text), topK).get(0);
    }

    /** For each text, for each mask in it, the {@code topK} best tokens ({@code topK <= 0}: the whole vocabulary). */
    public List<List<List<FillMaskResult>>> fillEach(List<String> texts, int topK) {
        if (texts.isEmpty()) {
            return List.of();
        }
        BatchEncoding enc = tokenizer.encode(texts, EncodeOptions.builder().truncation(true).maxLength(maxLength)
                .padding(EncodeOptions.Padding.LONGEST).build());
        int[][] ids = enc.inputIds();
        int[][] types = enc.tokenTypeIds();
        int[][] mask = enc.attentionMask();
        int rows = ids.length;
        int width = ids[0].length;
        List<int[]> maskPositions = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            int[] rowIds = ids[r];
            int[] rowMask = mask[r];
            int[] positions = java.util.stream.IntStream.range(0, width).filter(t -> rowMask[t] == 1 && rowIds[t] == maskId).toArray();
            if (positions.length == 0) {
                throw new BadInputException("text " + r + " has no " + tokenizer.maskToken() + " token (after truncation to " + maxLength
                        + " tokens); put " + tokenizer.maskToken() + " where a word should be predicted");
            }
            maskPositions.add(positions);
        }
        List<List<List<FillMaskResult>>> out = new ArrayList<>(rows);
        try (Autograd noGrad = Autograd.noGrad(); Scope step = Scope.open()) {
            Device device = model.device();
            Tensor idsT = Tensor.of(flatten(ids), rows, width).to(device);
            Tensor typesT = Tensor.of(flatten(types), rows, width).to(device);
            Tensor maskT = Tensor.of(flatten(mask), rows, width).to(device);
            Tensor logits = model.forward(idsT, typesT, maskT, null, false).logits();
            for (int r = 0; r < rows; r++) {
                int length = (int) java.util.Arrays.stream(mask[r]).filter(v -> v == 1).count();
                int[] unpadded = java.util.Arrays.copyOf(ids[r], length);
                List<List<FillMaskResult>> perMask = new ArrayList<>();
                for (int position : maskPositions.get(r)) {
                    float[] row = logits.select(0, r).select(0, position).toFloatArray();
                    double[] p = Softmax.of(row, 0, row.length);
                    List<FillMaskResult> candidates = new ArrayList<>();
                    for (int token : Softmax.topK(p, topK)) {
                        int[] filled = unpadded.clone();
                        filled[position] = token;
                        candidates.add(new FillMaskResult(p[token], token, tokenizer.decode(new int[] {token}, false),
                                tokenizer.decode(filled, true)));
                    }
                    perMask.add(candidates);
                }
                out.add(perMask);
            }
        }
        return out;
    }

    private static long[] flatten(int[][] rows) {
        int width = rows[0].length;
        long[] out = new long[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            for (int t = 0; t < width; t++) {
                out[r * width + t] = rows[r][t];
            }
        }
        return out;
    }

    public int topK() {
        return topK;
    }

    public MaskedLMModel model() {
        return model;
    }

    public AutoTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public void close() {
        if (ownsModel) {
            model.close();
        }
        if (ownsTokenizer) {
            tokenizer.close();
        }
    }
}
