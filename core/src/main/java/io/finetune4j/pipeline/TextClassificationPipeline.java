package io.finetune4j.pipeline;

import io.finetune4j.BadInputException;
import io.finetune4j.io.hub.PretrainedModels;
import io.finetune4j.models.SequenceClassifier;
import io.finetune4j.tokenize.AutoTokenizer;
import io.finetune4j.tokenize.BatchEncoding;
import io.finetune4j.tokenize.EncodeOptions;
import io.finetune4j.tokenize.MaxLength;
import io.finetune4j.tokenize.Padder;
import io.finetune4j.torch.Device;
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
 * {@code batchSize}, each padded to its longest row (so little padding is computed) in a native
 * memory scope that is closed after the batch; results come back in input order. The model runs
 * in eval mode (no dropout), so results do not depend on batching. {@link #classify} may be
 * called from several threads.
 *
 * <p>The model part is a {@link ModelRuntime}: libtorch by default, or another runtime by name,
 * e.g. {@code .runtime("onnx")} on a folder written by {@code finetune4j export onnx} (needs the
 * {@code finetune4j-onnx} module on the class path; {@code .quantized(true)} picks its int8 model).
 * Everything else (tokenizing, batching, windows, labels, top_k, truncation) is this class's and
 * the same for every runtime.
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

    private final ModelRuntime runtime;
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
    private final Padder padder;
    /** config.json's problem_type (null: absent); decides the default score function as in HF's pipeline. */
    private final String problemType;

    private TextClassificationPipeline(Builder b, ModelRuntime model, AutoTokenizer tokenizer) {
        this.runtime = model;
        this.tokenizer = tokenizer;
        this.ownsModel = b.modelInstance == null && b.runtimeInstance == null;
        this.ownsTokenizer = b.tokenizerInstance == null;
        this.labels = resolveLabels(model, b.labels);
        this.topK = b.topK;
        this.batchSize = b.batchSize;
        this.maxLength = MaxLength.resolve(b.maxLength, tokenizer.modelMaxLength(), model.maxPositions());
        this.truncation = b.truncation;
        // The side the model was trained with (tokenizer_config.json's truncation_side) unless one is given.
        this.truncationSide = b.truncationSide != null ? b.truncationSide : tokenizer.truncationSide();
        this.longText = b.longText;
        this.stride = b.stride;
        this.padder = tokenizer.padder();
        SequenceClassifier live = b.modelInstance != null ? b.modelInstance : model instanceof TorchRuntime torch ? torch.model() : null;
        String configured = live == null ? null : live.configProblemType();
        this.problemType = configured != null ? configured : problemType(b.configDir);
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
        return predict(texts, null, topK);
    }

    /** Scores each text pair with the pipeline's top_k (HF: {@code classifier({"text": a, "text_pair": b})}). */
    public List<List<LabelScore>> classifyPairs(List<TextPair> pairs) {
        return classifyPairs(pairs, topK);
    }

    /** Scores each text pair; {@code topK <= 0} returns all labels. Pairs are truncated longest_first to max_length. */
    public List<List<LabelScore>> classifyPairs(List<TextPair> pairs, int topK) {
        List<List<LabelScore>> out = new ArrayList<>(pairs.size());
        for (Prediction p : predictPairs(pairs, topK)) {
            out.add(p.scores());
        }
        return out;
    }

    /** Scores of each text pair (one window each); {@code topK <= 0} returns all labels. */
    public List<Prediction> predictPairs(List<TextPair> pairs, int topK) {
        if (longText == LongTextMode.WINDOWS) {
            throw new BadInputException("long_text windows scores single texts; text pairs are truncated (longest_first) to max_length, "
                    + "use LongTextMode.TRUNCATE for them");
        }
        return predict(pairs.stream().map(TextPair::text).toList(), pairs.stream().map(TextPair::textPair).toList(), topK);
    }

    /** The model inputs the pipeline builds for these pairs (the tokenizer's pair encoding, truncated as scoring does). */
    public BatchEncoding encodePairs(List<TextPair> pairs) {
        return tokenizer.encode(pairs.stream().map(TextPair::text).toList(), pairs.stream().map(TextPair::textPair).toList(), encodeOptions());
    }

    private List<Prediction> predict(List<String> texts, List<String> pairs, int topK) {
        if (texts.isEmpty()) {
            return List.of();
        }
        Scored scored = run(texts, pairs, ScoreFunction.DEFAULT.resolve(labels.size(), problemType), truncation, truncationSide);
        List<Prediction> out = new ArrayList<>(texts.size());
        for (int s = 0; s < texts.size(); s++) {
            out.add(new Prediction(Softmax.labelScores(scored.scores[s], labels, topK), scored.windows[s]));
        }
        return out;
    }

    /**
     * Scores each text with per-call options (score function or raw logits, truncation on or off and
     * its side, top_k), with logits, token counts and timings. A text too long for the model while
     * truncation is off is an {@link InputTooLongException}.
     */
    @Override
    public ClassifyResult classify(List<String> texts, List<String> textPairs, ClassifyOptions options) {
        if (texts.isEmpty()) {
            return new ClassifyResult(List.of(), 0, 0);
        }
        boolean cut = options.truncate() == null ? truncation : options.truncate();
        Scored scored = run(texts, textPairs, options.function().resolve(labels.size(), problemType), cut, options.truncationSide());
        List<Classification> out = new ArrayList<>(texts.size());
        for (int s = 0; s < texts.size(); s++) {
            out.add(new Classification(Softmax.labelScores(scored.scores[s], labels, options.topK()), scored.logits[s], scored.tokens[s]));
        }
        return new ClassifyResult(out, scored.tokenizationNanos, scored.inferenceNanos);
    }

    /** Per text: scores, mean logits, windows and tokens of one call, with its timings. */
    private record Scored(double[][] scores, float[][] logits, int[] windows, int[] tokens, long tokenizationNanos,
                          long inferenceNanos) {}

    /** {@code pairs}: one second text per text, or null for single texts. */
    private Scored run(List<String> texts, List<String> pairs, ScoreFunction function, boolean cut, EncodeOptions.Side side) {
        if (pairs != null && longText == LongTextMode.WINDOWS) {
            throw new BadInputException("long_text windows scores single texts; text pairs are truncated (longest_first) to max_length, "
                    + "use LongTextMode.TRUNCATE for them");
        }
        long start = System.nanoTime();
        EncodeOptions options = encodeOptions(cut, side);
        BatchEncoding enc = pairs == null ? tokenizer.encode(texts, options) : tokenizer.encode(texts, pairs, options);
        int rows = enc.size();
        int[] sample = enc.overflowToSampleMapping();
        if (sample == null) {
            sample = new int[rows];
            Arrays.setAll(sample, i -> i);
        }
        checkLengths(enc, sample, texts);
        long tokenized = System.nanoTime();
        float[][] rowLogits = score(enc);
        int n = labels.size();
        double[][] sums = new double[texts.size()][n];
        float[][] logitSums = new float[texts.size()][n];
        int[] windows = new int[texts.size()];
        int[] tokens = new int[texts.size()];
        int[][] ids = enc.inputIds();
        for (int r = 0; r < rows; r++) {
            int s = sample[r];
            windows[s]++;
            tokens[s] += ids[r].length;
            double[] p = function.apply(rowLogits[r], 0, n);
            for (int j = 0; j < n; j++) {
                sums[s][j] += p[j];
                logitSums[s][j] += rowLogits[r][j];
            }
        }
        for (int s = 0; s < texts.size(); s++) {
            for (int j = 0; j < n; j++) {
                sums[s][j] /= windows[s]; // mean of window scores: every window counts the same
                logitSums[s][j] /= windows[s];
            }
        }
        return new Scored(sums, logitSums, windows, tokens, tokenized - start, System.nanoTime() - tokenized);
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
        return encodeOptions(truncation, truncationSide);
    }

    private EncodeOptions encodeOptions(boolean cut, EncodeOptions.Side side) {
        EncodeOptions.Builder b = EncodeOptions.builder().returnAttentionMask(false).returnTokenTypeIds(true)
                .truncationSide(side != null ? side : truncationSide); // null: the side saved with the model
        if (longText == LongTextMode.WINDOWS) {
            return b.truncation(true).maxLength(maxLength).stride(stride).returnOverflowingTokens(true).build();
        }
        return cut ? b.truncation(true).maxLength(maxLength).build() : b.truncation(false).build();
    }

    private void checkLengths(BatchEncoding enc, int[] sample, List<String> texts) {
        int[][] ids = enc.inputIds();
        for (int r = 0; r < ids.length; r++) {
            if (ids[r].length > maxLength) {
                throw new InputTooLongException(sample[r], ids[r].length, maxLength, "turn truncation on or use LongTextMode.WINDOWS");
            }
        }
    }

    /** Logits per encoded row, computed in length-sorted batches. */
    private float[][] score(BatchEncoding enc) {
        int[][] ids = enc.inputIds();
        int[][] types = enc.tokenTypeIds();
        int rows = ids.length;
        Integer[] order = new Integer[rows];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingInt(i -> ids[i].length));
        float[][] out = new float[rows][];
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
            for (int k = 0; k < b; k++) {
                int r = order[from + k];
                padder.fillRow(idData, typeData, maskData, k, width, ids[r], types[r], null);
            }
            float[] logits = runtime.logits(idData, maskData, typeData, b, width);
            for (int k = 0; k < b; k++) {
                out[order[from + k]] = Arrays.copyOfRange(logits, k * n, (k + 1) * n);
            }
        }
        return out;
    }

    // ---- settings --------------------------------------------------------------------------------

    /** The libtorch model behind this pipeline; other runtimes have none (use {@link #runtime()}). */
    public SequenceClassifier model() {
        if (runtime instanceof TorchRuntime torch) {
            return torch.model();
        }
        throw new IllegalStateException("this pipeline runs on the " + runtime.name() + " runtime, which has no libtorch model; use runtime()");
    }

    /** The runtime that computes the logits. */
    public ModelRuntime runtime() {
        return runtime;
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
            runtime.close();
        }
        if (ownsTokenizer) {
            tokenizer.close();
        }
    }

    // ---- construction ----------------------------------------------------------------------------

    private static List<String> resolveLabels(ModelRuntime model, List<String> override) {
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

    /** config.json's problem_type, or null (any runtime's folder has config.json). */
    private static String problemType(Path dir) {
        Path config = dir == null ? null : dir.resolve("config.json");
        if (config == null || !Files.isRegularFile(config)) {
            return null;
        }
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(config.toFile()).path("problem_type").asText(null);
        } catch (java.io.IOException e) {
            return null; // the model loader reports a broken config.json
        }
    }

    /** config.json's problem_type (null when it has none): regression scores are raw, multi-label ones sigmoids. */
    public String problemType() {
        return problemType;
    }

    static int specialTokenCount(AutoTokenizer tokenizer) {
        BatchEncoding empty = tokenizer.encode("", EncodeOptions.builder().returnTokenTypeIds(false).returnAttentionMask(false).build());
        return empty.inputIds()[0].length;
    }

    /** HF pipeline arguments; {@link #build()} loads what was given as a path or name. */
    public static final class Builder {
        private String modelName;
        private SequenceClassifier modelInstance;
        private ModelRuntime runtimeInstance;
        private String runtimeName = ModelRuntimes.TORCH;
        private boolean quantized;
        private int intraOpThreads;
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
        /** Where config.json was found (set by build(); read for problem_type). */
        private Path configDir;

        private Builder() {}

        /** A checkpoint folder (ours or HF's) or a known model name such as {@code bert-base-uncased}. */
        public Builder model(String pathOrName) {
            this.modelName = pathOrName;
            this.modelInstance = null;
            this.runtimeInstance = null;
            return this;
        }

        public Builder model(Path dir) {
            return model(dir.toString());
        }

        /** A model already in memory (e.g. the Trainer's); the pipeline does not close it. */
        public Builder model(SequenceClassifier model) {
            this.modelInstance = model;
            this.modelName = null;
            this.runtimeInstance = null;
            return this;
        }

        /**
         * Which runtime loads {@link #model(String)}: {@code djl} (default: the safetensors checkpoint on
         * libtorch) or {@code onnx} (a folder written by {@code export onnx}, on ONNX Runtime).
         */
        public Builder runtime(String name) {
            this.runtimeName = name == null ? ModelRuntimes.TORCH : name;
            return this;
        }

        /** A runtime already open (e.g. one ONNX session shared by several pipelines); the pipeline does not close it. */
        public Builder runtime(ModelRuntime runtime) {
            this.runtimeInstance = runtime;
            this.modelInstance = null;
            this.modelName = null;
            return this;
        }

        /** With {@code runtime("onnx")}: run the int8 model {@code onnx/model_quantized.onnx}. Default false. */
        public Builder quantized(boolean on) {
            this.quantized = on;
            return this;
        }

        /**
         * Threads one forward pass may use; 0 (default): the runtime's own (every core). Callers that run
         * several pipelines' batches at once on one machine (Spark's task slots) set 1 per slot.
         * See {@link RuntimeOptions#intraOpThreads()}.
         */
        public Builder intraOpThreads(int threads) {
            if (threads < 0) {
                throw new BadInputException("intra-op threads must be >= 0 (0: the runtime's default), got " + threads);
            }
            this.intraOpThreads = threads;
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

        /** Tokens per input, special tokens included; null (default): model_max_length, capped at the model's positions ({@link MaxLength}). */
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
            if (modelName == null && modelInstance == null && runtimeInstance == null) {
                throw new BadInputException("no model given: pass a checkpoint folder, a model name or a loaded model");
            }
            Path modelDir = modelName != null ? PretrainedModels.resolve(modelName) : null;
            // A PEFT adapter folder (adapter_config.json) runs on top of the base model it names.
            Path adapterBase = TorchRuntime.isAdapter(modelDir) ? TorchRuntime.adapterBase(modelDir) : null;
            AutoTokenizer tok = tokenizerInstance;
            ModelRuntime m = runtimeInstance != null ? runtimeInstance : modelInstance != null ? TorchRuntime.of(modelInstance) : null;
            try {
                if (m == null) {
                    m = ModelRuntimes.open(runtimeName, modelDir, new RuntimeOptions(device, quantized, intraOpThreads));
                }
                if (tok == null) {
                    Path dir = tokenizerDir != null ? tokenizerDir : modelDir;
                    if (adapterBase != null && !Files.isRegularFile(modelDir.resolve("tokenizer.json"))
                            && !Files.isRegularFile(modelDir.resolve("vocab.txt"))) {
                        dir = adapterBase;
                    }
                    if (dir == null && m instanceof TorchRuntime torch) {
                        dir = torch.sourceDir();
                    }
                    if (dir == null) {
                        throw new BadInputException("no tokenizer given: a model passed as an object needs tokenizer(...)");
                    }
                    tok = AutoTokenizer.fromPretrained(dir);
                }
                configDir = adapterBase != null ? adapterBase : modelDir != null ? modelDir
                        : m instanceof TorchRuntime torch ? torch.sourceDir() : null;
                return new TextClassificationPipeline(this, m, tok);
            } catch (RuntimeException e) {
                if (tokenizerInstance == null && tok != null) {
                    tok.close();
                }
                if (modelInstance == null && runtimeInstance == null && m != null) {
                    m.close();
                }
                throw e;
            }
        }
    }
}
