package io.finetune4j.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.finetune4j.BadInputException;
import io.finetune4j.io.PretrainedModels;
import io.finetune4j.models.AutoModelForSequenceClassification;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.PreTrainedModel;
import io.finetune4j.models.SequenceClassifier;
import io.finetune4j.peft.LoraConfig;
import io.finetune4j.peft.LoraModel;
import io.finetune4j.tokenize.AutoTokenizer;
import io.finetune4j.tokenize.BatchEncoding;
import io.finetune4j.tokenize.EncodeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * HF's {@code pipeline("text-classification", model=..., tokenizer=...)}: texts in, label scores
 * (softmax probabilities) out, highest first.
 *
 * <pre>{@code
 * try (TextClassificationPipeline classifier = TextClassificationPipeline.builder()
 *         .model("./results/bert-epoch5/checkpoint-3910")
 *         .labels(List.of("negative", "positive"))
 *         .build()) {
 *     List<List<LabelScore>> result = classifier.classify(List.of("I hate this movie", "i love this movie"));
 * }
 * }</pre>
 *
 * <p>Texts of one call are tokenized together, sorted by length and run in batches of
 * {@code batchSize}, each padded to its longest row (so little padding is computed) in a child
 * NDManager that is closed after the batch; results come back in input order. The model runs
 * in eval mode (no dropout), so results do not depend on batching. {@link #classify} may be
 * called from several threads.
 */
public final class TextClassificationPipeline implements TextClassifier, AutoCloseable {
    /** Scores of one text and how many windows were scored for it (1 unless {@link LongTextMode#WINDOWS}). */
    public record Prediction(List<LabelScore> scores, int windows) {
        public Prediction {
            scores = List.copyOf(scores);
        }

        /** The best label. */
        public LabelScore top() {
            return scores.get(0);
        }
    }

    private final SequenceClassifier model;
    private final AutoTokenizer tokenizer;
    private final boolean ownsModel;
    private final boolean ownsTokenizer;
    private final List<String> labels;
    private final int topK;
    private final int batchSize;
    private final int maxLength;
    private final boolean truncation;
    private final EncodeOptions.Side truncationSide;
    private final LongTextMode longText;
    private final int stride;
    private final int padId;

    private TextClassificationPipeline(Builder b, SequenceClassifier model, AutoTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.ownsModel = b.modelInstance == null;
        this.ownsTokenizer = b.tokenizerInstance == null;
        this.labels = resolveLabels(model, b.labels);
        this.topK = b.topK;
        this.batchSize = b.batchSize;
        this.maxLength = resolveMaxLength(model, tokenizer, b.maxLength);
        this.truncation = b.truncation;
        // The side the model was trained with (tokenizer_config.json's truncation_side) unless one is given.
        this.truncationSide = b.truncationSide != null ? b.truncationSide : tokenizer.truncationSide();
        this.longText = b.longText;
        this.stride = b.stride;
        Integer pad = tokenizer.padTokenId();
        this.padId = pad == null ? 0 : pad;
        if (longText == LongTextMode.WINDOWS) {
            int room = maxLength - specialTokenCount(tokenizer);
            if (stride >= room) {
                throw new BadInputException("stride " + stride + " leaves no new tokens per window of max_length " + maxLength
                        + " (" + room + " text tokens); use a stride below " + room);
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- classification ------------------------------------------------------------------------

    /** Scores each text; {@code topK <= 0} returns all labels. */
    @Override
    public List<List<LabelScore>> classify(List<String> texts, int topK) {
        List<List<LabelScore>> out = new ArrayList<>(texts.size());
        for (Prediction p : predict(texts, topK)) {
            out.add(p.scores());
        }
        return out;
    }

    /** Scores each text with the pipeline's top_k. */
    public List<List<LabelScore>> classify(List<String> texts) {
        return classify(texts, topK);
    }

    /** Scores one text with the pipeline's top_k. */
    public List<LabelScore> classify(String text) {
        return classify(List.of(text), topK).get(0);
    }

    @Override
    public List<String> labels() {
        return labels;
    }

    /** Scores and window counts with the pipeline's top_k. */
    public List<Prediction> predict(List<String> texts) {
        return predict(texts, topK);
    }

    /** Scores and window counts; {@code topK <= 0} returns all labels. */
    public List<Prediction> predict(List<String> texts, int topK) {
        if (texts.isEmpty()) {
            return List.of();
        }
        BatchEncoding enc = tokenizer.encode(texts, encodeOptions());
        int rows = enc.size();
        int[] sample = enc.overflowToSampleMapping();
        if (sample == null) {
            sample = new int[rows];
            Arrays.setAll(sample, i -> i);
        }
        checkLengths(enc, sample, texts);
        double[][] rowProbabilities = score(enc);
        int n = labels.size();
        double[][] sums = new double[texts.size()][n];
        int[] windows = new int[texts.size()];
        for (int r = 0; r < rows; r++) {
            int s = sample[r];
            windows[s]++;
            for (int j = 0; j < n; j++) {
                sums[s][j] += rowProbabilities[r][j];
            }
        }
        List<Prediction> out = new ArrayList<>(texts.size());
        for (int s = 0; s < texts.size(); s++) {
            double[] mean = sums[s];
            for (int j = 0; j < n; j++) {
                mean[j] /= windows[s]; // mean of window probabilities: every window counts the same
            }
            out.add(new Prediction(Softmax.labelScores(mean, labels, topK), windows[s]));
        }
        return out;
    }

    /**
     * How many windows each text is scored in: 1 per text in TRUNCATE mode, more for long texts in
     * WINDOWS mode. Only tokenizes.
     */
    public int[] windowCounts(List<String> texts) {
        int[] counts = new int[texts.size()];
        if (longText == LongTextMode.TRUNCATE) {
            Arrays.fill(counts, 1);
            return counts;
        }
        BatchEncoding enc = tokenizer.encode(texts, encodeOptions());
        for (int s : enc.overflowToSampleMapping()) {
            counts[s]++;
        }
        return counts;
    }

    /** The token count of each text with special tokens, before truncation (for reports: which texts are long). */
    public int[] tokenCounts(List<String> texts) {
        BatchEncoding enc = tokenizer.encode(texts, EncodeOptions.builder().returnTokenTypeIds(false).returnAttentionMask(false).build());
        int[] counts = new int[texts.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = enc.inputIds()[i].length;
        }
        return counts;
    }

    private EncodeOptions encodeOptions() {
        EncodeOptions.Builder b = EncodeOptions.builder().returnAttentionMask(false).returnTokenTypeIds(true);
        if (longText == LongTextMode.WINDOWS) {
            return b.truncation(true).maxLength(maxLength).stride(stride).returnOverflowingTokens(true).build();
        }
        return truncation ? b.truncation(true).maxLength(maxLength).truncationSide(truncationSide).build() : b.truncation(false).build();
    }

    private void checkLengths(BatchEncoding enc, int[] sample, List<String> texts) {
        int[][] ids = enc.inputIds();
        for (int r = 0; r < ids.length; r++) {
            if (ids[r].length > maxLength) {
                throw new BadInputException("text " + sample[r] + " has " + ids[r].length + " tokens but the model takes at most "
                        + maxLength + "; turn truncation on or use LongTextMode.WINDOWS");
            }
        }
    }

    /** Probabilities per encoded row, computed in length-sorted batches. */
    private double[][] score(BatchEncoding enc) {
        int[][] ids = enc.inputIds();
        int[][] types = enc.tokenTypeIds();
        int rows = ids.length;
        Integer[] order = new Integer[rows];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingInt(i -> ids[i].length));
        double[][] out = new double[rows][];
        int n = labels.size();
        for (int from = 0; from < rows; from += batchSize) {
            int to = Math.min(rows, from + batchSize);
            int width = 0;
            for (int k = from; k < to; k++) {
                width = Math.max(width, ids[order[k]].length);
            }
            int b = to - from;
            long[] idData = new long[b * width];
            long[] typeData = new long[b * width];
            long[] maskData = new long[b * width];
            Arrays.fill(idData, padId);
            for (int k = 0; k < b; k++) {
                int r = order[from + k];
                for (int t = 0; t < ids[r].length; t++) {
                    idData[k * width + t] = ids[r][t];
                    typeData[k * width + t] = types[r][t];
                    maskData[k * width + t] = 1;
                }
            }
            float[] logits;
            try (NDManager step = model.manager().newSubManager()) {
                ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(b, width);
                NDArray inputIds = step.create(idData, shape);
                NDArray tokenTypeIds = step.create(typeData, shape);
                NDArray attentionMask = step.create(maskData, shape);
                logits = model.logits(inputIds, tokenTypeIds, attentionMask, false).toFloatArray();
            }
            // HF's function_to_apply: sigmoid for multi_label_classification or a single output, softmax otherwise
            String problem = model.problemType(true);
            boolean sigmoid = problem.equals("multi_label_classification") || problem.equals("regression");
            for (int k = 0; k < b; k++) {
                out[order[from + k]] = sigmoid ? Softmax.sigmoid(logits, k * n, n) : Softmax.of(logits, k * n, n);
            }
        }
        return out;
    }

    // ---- settings --------------------------------------------------------------------------------

    public SequenceClassifier model() {
        return model;
    }

    public AutoTokenizer tokenizer() {
        return tokenizer;
    }

    public int topK() {
        return topK;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The window / truncation length in tokens, special tokens included. */
    public int maxLength() {
        return maxLength;
    }

    public LongTextMode longTextMode() {
        return longText;
    }

    public int stride() {
        return stride;
    }

    /** Closes the model and tokenizer this pipeline loaded (not ones passed in as objects). */
    @Override
    public void close() {
        if (ownsModel) {
            model.close();
        }
        if (ownsTokenizer) {
            tokenizer.close();
        }
    }

    // ---- construction ----------------------------------------------------------------------------

    private static List<String> resolveLabels(SequenceClassifier model, List<String> override) {
        int numLabels = model.numLabels();
        if (override != null) {
            if (override.size() != numLabels) {
                throw new BadInputException("got " + override.size() + " label names " + override + " but the model has num_labels "
                        + numLabels + "; give exactly " + numLabels + " names in id order");
            }
            return List.copyOf(override);
        }
        Map<Integer, String> id2label = model.id2label();
        List<String> out = new ArrayList<>(numLabels);
        for (int i = 0; i < numLabels; i++) {
            out.add(id2label.getOrDefault(i, "LABEL_" + i));
        }
        return List.copyOf(out);
    }

    /** HF truncates to the tokenizer's model_max_length; a model with fewer positions caps it further. */
    private static int resolveMaxLength(SequenceClassifier model, AutoTokenizer tokenizer, Integer requested) {
        int limit = tokenizer.modelMaxLength();
        if (model instanceof PreTrainedModel pretrained) {
            limit = Math.min(limit, pretrained.config().maxInputLength());
        }
        if (requested == null) {
            if (limit == Integer.MAX_VALUE) {
                throw new BadInputException("neither the tokenizer (model_max_length) nor the model says how long inputs may be; set max_length");
            }
            return limit;
        }
        if (requested < 1 || requested > limit) {
            throw new BadInputException("max_length " + requested + " is outside 1.." + limit + " (the model's position limit); pick a value in that range");
        }
        return requested;
    }

    static int specialTokenCount(AutoTokenizer tokenizer) {
        BatchEncoding empty = tokenizer.encode("", EncodeOptions.builder().returnTokenTypeIds(false).returnAttentionMask(false).build());
        return empty.inputIds()[0].length;
    }

    /** HF pipeline arguments; {@link #build()} loads what was given as a path or name. */
    public static final class Builder {
        private String modelName;
        private SequenceClassifier modelInstance;
        private Path tokenizerDir;
        private AutoTokenizer tokenizerInstance;
        private List<String> labels;
        private int topK = 1;
        private int batchSize = 64;
        private Integer maxLength;
        private boolean truncation = true;
        private EncodeOptions.Side truncationSide;
        private Device device;
        private LongTextMode longText = LongTextMode.TRUNCATE;
        private int stride = 128;

        private Builder() {}

        /** A checkpoint folder (ours or HF's) or a known model name such as {@code bert-base-uncased}. */
        public Builder model(String pathOrName) {
            this.modelName = pathOrName;
            this.modelInstance = null;
            return this;
        }

        public Builder model(Path dir) {
            return model(dir.toString());
        }

        /** A model already in memory (e.g. the Trainer's); the pipeline does not close it. */
        public Builder model(SequenceClassifier model) {
            this.modelInstance = model;
            this.modelName = null;
            return this;
        }

        /** The tokenizer folder; null (default) uses the model's folder. */
        public Builder tokenizer(Path dir) {
            this.tokenizerDir = dir;
            this.tokenizerInstance = null;
            return this;
        }

        /** A tokenizer already loaded; the pipeline does not close it. */
        public Builder tokenizer(AutoTokenizer tokenizer) {
            this.tokenizerInstance = tokenizer;
            this.tokenizerDir = null;
            return this;
        }

        /** Display names in id order (e.g. negative, positive), replacing config.json's id2label. */
        public Builder labels(List<String> names) {
            this.labels = names == null ? null : List.copyOf(names);
            return this;
        }

        /** HF's top_k: 1 (default) the best label, k the k best, {@code <= 0} all labels. */
        public Builder topK(int k) {
            this.topK = k;
            return this;
        }

        /** Texts (or windows) per forward pass; default 64. */
        public Builder batchSize(int n) {
            if (n < 1) {
                throw new BadInputException("batch_size must be at least 1, got " + n);
            }
            this.batchSize = n;
            return this;
        }

        /** Tokens per input, special tokens included; null (default): min(model_max_length, max_position_embeddings). */
        public Builder maxLength(Integer n) {
            this.maxLength = n;
            return this;
        }

        /** Cut texts at max_length (default true, as HF's pipeline). Off, a too-long text is an error. */
        public Builder truncation(boolean on) {
            this.truncation = on;
            return this;
        }

        /** Which end of a long text to cut; null (default): the tokenizer's truncation_side, as saved with the model. */
        public Builder truncationSide(EncodeOptions.Side side) {
            this.truncationSide = side;
            return this;
        }

        /** Where a loaded model lives; null: the default device. */
        public Builder device(Device device) {
            this.device = device;
            return this;
        }

        public Builder longText(LongTextMode mode) {
            this.longText = mode == null ? LongTextMode.TRUNCATE : mode;
            return this;
        }

        /** WINDOWS mode with {@code stride} tokens of overlap between neighbouring windows. */
        public Builder longText(LongTextMode mode, int stride) {
            return longText(mode).stride(stride);
        }

        /** Overlap between neighbouring windows in tokens (HF's stride); default 128. */
        public Builder stride(int tokens) {
            if (tokens < 0) {
                throw new BadInputException("stride must be >= 0, got " + tokens);
            }
            this.stride = tokens;
            return this;
        }

        public TextClassificationPipeline build() {
            if (modelName == null && modelInstance == null) {
                throw new BadInputException("no model given: pass a checkpoint folder, a model name or a loaded model");
            }
            Path modelDir = modelInstance == null ? PretrainedModels.resolve(modelName) : null;
            // A PEFT adapter folder (adapter_config.json) runs on top of the base model it names.
            Path adapterBase = modelDir != null && Files.isRegularFile(modelDir.resolve(LoraConfig.CONFIG_FILE)) ? adapterBase(modelDir) : null;
            AutoTokenizer tok = tokenizerInstance;
            SequenceClassifier m = modelInstance;
            try {
                if (tok == null) {
                    Path dir = tokenizerDir != null ? tokenizerDir : modelDir;
                    if (adapterBase != null && !Files.isRegularFile(modelDir.resolve("tokenizer.json"))
                            && !Files.isRegularFile(modelDir.resolve("vocab.txt"))) {
                        dir = adapterBase;
                    }
                    if (dir == null && m instanceof PreTrainedModel pretrained) {
                        dir = pretrained.sourceDir();
                    }
                    if (dir == null) {
                        throw new BadInputException("no tokenizer given: a model passed as an object needs tokenizer(...)");
                    }
                    tok = AutoTokenizer.fromPretrained(dir);
                }
                if (m == null) {
                    m = adapterBase != null ? LoraModel.load(adapterBase, modelDir)
                            : AutoModelForSequenceClassification.fromPretrained(modelDir, LoadOptions.builder().device(device).build());
                }
                return new TextClassificationPipeline(this, m, tok);
            } catch (RuntimeException e) {
                if (tokenizerInstance == null && tok != null) {
                    tok.close();
                }
                if (modelInstance == null && m != null) {
                    m.close();
                }
                throw e;
            }
        }

        private static Path adapterBase(Path adapterDir) {
            String base = LoraConfig.baseModelNameOrPath(adapterDir);
            if (base == null || base.isBlank()) {
                throw new BadInputException(adapterDir + " is a PEFT adapter folder without base_model_name_or_path in "
                        + LoraConfig.CONFIG_FILE + "; set it to the base model's folder or name");
            }
            return PretrainedModels.resolve(base);
        }
    }
}
