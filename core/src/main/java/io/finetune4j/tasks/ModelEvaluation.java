package io.finetune4j.tasks;

import io.finetune4j.data.Dataset;
import io.finetune4j.data.DatasetDict;
import io.finetune4j.data.Datasets;
import io.finetune4j.data.LoadDatasetOptions;
import io.finetune4j.io.Environment;
import io.finetune4j.io.hub.PretrainedModels;
import io.finetune4j.metrics.ComputeMetrics;
import io.finetune4j.metrics.EvalPrediction;
import io.finetune4j.metrics.Metrics;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import io.finetune4j.nn.Losses;
import io.finetune4j.pipeline.ModelRuntime;
import io.finetune4j.pipeline.ModelRuntimes;
import io.finetune4j.pipeline.RuntimeOptions;
import io.finetune4j.tokenize.AutoTokenizer;
import io.finetune4j.tokenize.EncodeOptions;
import io.finetune4j.train.DataCollatorWithPadding;
import io.finetune4j.train.EncodedColumns;
import io.finetune4j.train.PredictionOutput;
import io.finetune4j.train.Trainer;
import io.finetune4j.train.TrainingArguments;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Scores a saved classifier on a data set split by its problem_type: accuracy, precision, recall, F1 and the
 * confusion matrix (single-label); micro precision/recall/F1 and subset accuracy at sigmoid 0.5 (multi-label);
 * mse, mae and pearson (regression).
 */
public final class ModelEvaluation {
    private ModelEvaluation() {}

    /**
     * @param runtime {@code djl} (default: the checkpoint on libtorch through the Trainer) or another pipeline
     *     runtime such as {@code onnx} (an exported folder, scored through the text-classification pipeline)
     * @param quantized with {@code onnx}: the int8 model
     */
    public record Options(String model, String dataset, String split, Integer maxSamples, int seed, int batchSize,
            ClassificationData.Preprocessing preprocessing, boolean useCpu, String runtime, boolean quantized, String labelDelimiter) {
        public Options(String model, String dataset, String split, Integer maxSamples, int seed, int batchSize,
                ClassificationData.Preprocessing preprocessing, boolean useCpu, String runtime, boolean quantized) {
            this(model, dataset, split, maxSamples, seed, batchSize, preprocessing, useCpu, runtime, quantized, null);
        }

        /**
         * The model and how it runs from {@code inference} (length and side as saved with the model unless given),
         * the split, columns and sample from {@code data} (train's names and checks); rows are padded per batch.
         */
        public static Options of(io.finetune4j.pipeline.InferenceArguments inference, DataArguments data) {
            ClassificationData.Preprocessing prep = new ClassificationData.Preprocessing(data.textColumnName(), data.labelColumnName(),
                    inference.maxSeqLength(), false, inference.truncationSide(), null, false, data.textPairColumnName());
            return new Options(inference.model(), data.datasetName(), data.validationSplitName(), data.maxEvalSamples(), data.shuffleSeed(),
                    inference.batchSize(), prep, inference.useCpu(), inference.runtime(), inference.quantized(), data.labelDelimiter());
        }
    }

    /** {@code confusionMatrix} is null unless single-label; {@code problemType} is the one the model was scored as. */
    public record Result(Map<String, Double> metrics, long[][] confusionMatrix, List<String> labels, int rows, String problemType) {
        public Result(Map<String, Double> metrics, long[][] confusionMatrix, List<String> labels, int rows) {
            this(metrics, confusionMatrix, labels, rows, ClassificationData.SINGLE_LABEL);
        }
    }

    public static Result run(Options o) {
        Path dir = PretrainedModels.resolve(o.model());
        DatasetDict raw = Datasets.load(o.dataset(), LoadDatasetOptions.builder()
                .textColumn(o.preprocessing().textColumn()).labelColumn(o.preprocessing().labelColumn())
                .labelDelimiter(o.labelDelimiter()).build());
        Dataset split = ClassificationData.split(raw, o.split());
        Dataset sample = ClassificationData.sample(split, o.maxSamples(), o.maxSamples() != null, o.seed());
        if (o.runtime() != null && !ModelRuntimes.TORCH.equalsIgnoreCase(o.runtime())) {
            return viaRuntime(o, dir, sample);
        }
        try (AutoTokenizer tokenizer = AutoTokenizer.fromPretrained(dir);
             SequenceClassificationModel model = AutoModelForSequenceClassification.fromPretrained(dir,
                     LoadOptions.builder().device(Environment.device(o.useCpu())).build())) {
            ClassificationData.Labels kind = labelsFor(model.configProblemType(), model.numLabels(), sample, o, dir);
            // max length and truncation side as the model was trained (saved with its tokenizer) unless given
            ClassificationData.Preprocessing prep = o.preprocessing().forModel(tokenizer, model.config().maxInputLength());
            EncodedColumns columns = ClassificationData.encode(sample, tokenizer, prep, "Running tokenizer on " + o.split(), kind);
            TrainingArguments args = TrainingArguments.builder()
                    .perDeviceEvalBatchSize(o.batchSize()).set("use_cpu", o.useCpu()).set("disable_tqdm", true).build();
            Trainer trainer = Trainer.builder().model(model).args(args).computeMetrics(ComputeMetrics.forProblemType(kind.problemType()))
                    .dataCollator(prep.collator(tokenizer)).build();
            columns.checkLabels(model.numLabels());
            PredictionOutput out = trainer.predict(columns);
            long[][] confusion = null;
            if (out.labelIds() != null) {
                int[] predicted = new EvalPrediction(out.predictions(), out.labelIds()).predictedLabels();
                confusion = Metrics.confusionMatrix(predicted, out.labelIds(), model.numLabels());
            }
            List<String> labels = model.id2label().values().stream().toList();
            return new Result(out.metrics(), confusion, labels, columns.size(), kind.problemType());
        }
    }

    /**
     * How to read the split's labels for a model: its config.json problem_type (HF's rule when absent: one output is
     * regression, else what the label column holds), with the same number of classes or outputs.
     */
    static ClassificationData.Labels labelsFor(String configured, int numLabels, Dataset sample, Options o, Path dir) {
        String problemType = configured != null ? configured : numLabels == 1 ? ClassificationData.REGRESSION : null;
        ClassificationData.Labels kind;
        try {
            kind = ClassificationData.labels(sample, o.preprocessing().labelColumn(), problemType);
        } catch (io.finetune4j.BadInputException e) {
            throw new io.finetune4j.BadInputException(e.getMessage() + " (the model at " + dir + " was trained for "
                    + (problemType != null ? problemType : "single_label_classification") + ")", e);
        }
        if (kind.numLabels() != numLabels) {
            throw new io.finetune4j.BadInputException("the model at " + dir + " has " + numLabels + " labels but " + o.dataset() + " has "
                    + kind.numLabels() + (kind.names() != null ? " classes " + kind.names() : " outputs"));
        }
        return kind;
    }

    /** The model's loss over the logits, as its forward(labels) computes it: cross-entropy, BCE with logits or MSE ({@link Losses}). */
    static double meanLoss(EvalPrediction p, ClassificationData.Labels kind) {
        if (p.predictions().length == 0) {
            return 0;
        }
        try (Autograd noGrad = Autograd.noGrad(); Scope scope = Scope.open()) {
            Tensor logits = matrix(p.predictions());
            Tensor loss;
            if (p.labelIds() != null) {
                loss = Losses.crossEntropy(logits, Tensor.of(p.labelIds()), 0f);
            } else {
                Tensor y = matrix(p.labelValues());
                loss = kind.regression() ? Losses.mse(logits, y) : Losses.binaryCrossEntropyWithLogits(logits, y);
            }
            return (float) loss.item();
        }
    }

    /** A [rows, columns] float32 tensor of equal-length rows. */
    private static Tensor matrix(float[][] rows) {
        int width = rows[0].length;
        float[] flat = new float[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * width, width);
        }
        return Tensor.of(flat, rows.length, width);
    }

    /** config.json's problem_type in an exported folder, or null. */
    private static String configProblemType(Path dir) {
        Path config = dir.resolve("config.json");
        if (!java.nio.file.Files.isRegularFile(config)) {
            return null;
        }
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(config.toFile()).path("problem_type").asText(null);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * The same metrics on another runtime (e.g. ONNX Runtime on an exported folder): the split is
     * tokenized exactly as for the DJL path (max_length, truncation side), rows run in batches padded
     * to their longest row, and test_loss is the mean cross-entropy of the logits.
     */
    private static Result viaRuntime(Options o, Path dir, Dataset sample) {
        try (AutoTokenizer tokenizer = AutoTokenizer.fromPretrained(dir);
             ModelRuntime runtime = ModelRuntimes.open(o.runtime(), dir, new RuntimeOptions(null, o.quantized()))) {
            int k = runtime.numLabels();
            ClassificationData.Labels kind = labelsFor(configProblemType(dir), k, sample, o, dir);
            EncodedColumns columns = ClassificationData.encode(sample, tokenizer, o.preprocessing().forModel(tokenizer, runtime.maxPositions()),
                    "Running tokenizer on " + o.split(), kind);
            columns.checkLabels(k);
            int rows = columns.size();
            int[][] ids = columns.inputIds().values();
            int[][] types = columns.tokenTypeIds() == null ? null : columns.tokenTypeIds().values();
            int[][] masks = columns.attentionMask() == null ? null : columns.attentionMask().values();
            Integer pad = tokenizer.padTokenId();
            long padId = pad == null ? 0 : pad;
            float[][] logits = new float[rows][];
            long start = System.nanoTime();
            for (int from = 0; from < rows; from += o.batchSize()) {
                int to = Math.min(rows, from + o.batchSize());
                int width = 0;
                for (int r = from; r < to; r++) {
                    width = Math.max(width, ids[r].length);
                }
                int b = to - from;
                long[] idData = new long[b * width];
                long[] typeData = new long[b * width];
                long[] maskData = new long[b * width];
                java.util.Arrays.fill(idData, padId);
                for (int r = from; r < to; r++) {
                    int base = (r - from) * width;
                    for (int t = 0; t < ids[r].length; t++) {
                        idData[base + t] = ids[r][t];
                        typeData[base + t] = types == null ? 0 : types[r][t];
                        maskData[base + t] = masks == null ? 1 : masks[r][t];
                    }
                }
                float[] out = runtime.logits(idData, maskData, typeData, b, width);
                for (int r = from; r < to; r++) {
                    logits[r] = java.util.Arrays.copyOfRange(out, (r - from) * k, (r - from + 1) * k);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            int[] labels = columns.labelIds();
            EvalPrediction prediction = labels != null ? new EvalPrediction(logits, labels) : EvalPrediction.ofValues(logits, columns.labelValues());
            Map<String, Double> metrics = new java.util.LinkedHashMap<>();
            metrics.put("test_loss", meanLoss(prediction, kind));
            ComputeMetrics.forProblemType(kind.problemType()).compute(prediction).forEach((key, v) -> metrics.put("test_" + key, v));
            metrics.put("test_runtime", Math.round(seconds * 1e4) / 1e4);
            metrics.put("test_samples_per_second", Math.round(rows / Math.max(seconds, 1e-9) * 1e3) / 1e3);
            long[][] confusion = labels == null ? null : Metrics.confusionMatrix(prediction.predictedLabels(), labels, k);
            List<String> names = runtime.id2label().values().stream().toList();
            return new Result(metrics, confusion, names, rows, kind.problemType());
        }
    }
}
