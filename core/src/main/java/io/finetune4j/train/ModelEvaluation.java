package io.finetune4j.train;

import io.finetune4j.data.ClassLabel;
import io.finetune4j.data.Dataset;
import io.finetune4j.data.DatasetDict;
import io.finetune4j.data.Datasets;
import io.finetune4j.data.LoadOptions;
import io.finetune4j.io.PretrainedModels;
import io.finetune4j.metrics.ComputeMetrics;
import io.finetune4j.metrics.EvalPrediction;
import io.finetune4j.metrics.Metrics;
import io.finetune4j.models.AutoModelForSequenceClassification;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.pipeline.ModelRuntimes;
import io.finetune4j.pipeline.ModelRuntime;
import io.finetune4j.pipeline.RuntimeOptions;
import io.finetune4j.tokenize.AutoTokenizer;
import io.finetune4j.util.Devices;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Scores a saved classifier on a data set split: accuracy, precision, recall, F1 and the confusion matrix. */
public final class ModelEvaluation {
    private ModelEvaluation() {}

    /**
     * @param runtime {@code djl} (default: the checkpoint on libtorch through the Trainer) or another pipeline
     *     runtime such as {@code onnx} (an exported folder, scored through the text-classification pipeline)
     * @param quantized with {@code onnx}: the int8 model
     */
    public record Options(String model, String dataset, String split, Integer maxSamples, int seed, int batchSize,
            ClassificationData.Preprocessing preprocessing, boolean useCpu, String runtime, boolean quantized) {}

    public record Result(Map<String, Double> metrics, long[][] confusionMatrix, List<String> labels, int rows) {}

    public static Result run(Options o) {
        Path dir = PretrainedModels.resolve(o.model());
        DatasetDict raw = Datasets.load(o.dataset(), LoadOptions.builder()
                .textColumn(o.preprocessing().textColumn()).labelColumn(o.preprocessing().labelColumn()).build());
        Dataset split = ClassificationData.split(raw, o.split());
        Dataset sample = ClassificationData.sample(split, o.maxSamples(), o.maxSamples() != null, o.seed());
        ClassLabel classLabel = ClassificationData.classLabel(sample, o.preprocessing().labelColumn());
        if (o.runtime() != null && !ModelRuntimes.DJL.equalsIgnoreCase(o.runtime())) {
            return viaRuntime(o, dir, sample, classLabel);
        }
        try (AutoTokenizer tokenizer = AutoTokenizer.fromPretrained(dir);
             SequenceClassificationModel model = AutoModelForSequenceClassification.fromPretrained(dir,
                     io.finetune4j.models.LoadOptions.builder().device(Devices.select(o.useCpu())).build())) {
            if (model.numLabels() != classLabel.numClasses()) {
                throw new io.finetune4j.BadInputException("the model at " + dir + " has " + model.numLabels() + " labels but "
                        + o.dataset() + " has " + classLabel.numClasses() + " classes " + classLabel.names());
            }
            // max length and truncation side as the model was trained (saved with its tokenizer) unless given
            ClassificationData.Preprocessing prep = o.preprocessing().forTokenizer(tokenizer);
            EncodedColumns columns = ClassificationData.encode(sample, tokenizer, prep, "Running tokenizer on " + o.split());
            TrainingArguments args = TrainingArguments.builder()
                    .perDeviceEvalBatchSize(o.batchSize()).set("use_cpu", o.useCpu()).set("disable_tqdm", true).build();
            Trainer trainer = Trainer.builder().model(model).args(args).computeMetrics(ComputeMetrics.classification())
                    .dataCollator(DataCollatorWithPadding.of(tokenizer, DataCollatorWithPadding.Padding.LONGEST, 0)).build();
            PredictionOutput out = trainer.predict(columns);
            int[] predicted = new EvalPrediction(out.predictions(), out.labelIds()).predictedLabels();
            long[][] confusion = Metrics.confusionMatrix(predicted, out.labelIds(), model.numLabels());
            List<String> labels = model.id2label().values().stream().toList();
            return new Result(out.metrics(), confusion, labels, columns.size());
        }
    }

    /**
     * The same metrics on another runtime (e.g. ONNX Runtime on an exported folder): the split is
     * tokenized exactly as for the DJL path (max_length, truncation side), rows run in batches padded
     * to their longest row, and test_loss is the mean cross-entropy of the logits.
     */
    private static Result viaRuntime(Options o, Path dir, Dataset sample, ClassLabel classLabel) {
        try (AutoTokenizer tokenizer = AutoTokenizer.fromPretrained(dir);
             ModelRuntime runtime = ModelRuntimes.open(o.runtime(), dir, new RuntimeOptions(null, o.quantized()))) {
            int k = runtime.numLabels();
            if (k != classLabel.numClasses()) {
                throw new io.finetune4j.BadInputException("the model at " + dir + " has " + k + " labels but "
                        + o.dataset() + " has " + classLabel.numClasses() + " classes " + classLabel.names());
            }
            EncodedColumns columns = ClassificationData.encode(sample, tokenizer, o.preprocessing().forTokenizer(tokenizer),
                    "Running tokenizer on " + o.split());
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
            int[] labels = columns.labels().values();
            double loss = 0;
            for (int r = 0; r < rows; r++) {
                double max = Double.NEGATIVE_INFINITY;
                for (float v : logits[r]) {
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (float v : logits[r]) {
                    sum += Math.exp(v - max);
                }
                loss += Math.log(sum) + max - logits[r][labels[r]];
            }
            EvalPrediction prediction = new EvalPrediction(logits, labels);
            Map<String, Double> metrics = new java.util.LinkedHashMap<>();
            metrics.put("test_loss", loss / Math.max(1, rows));
            ComputeMetrics.classification().compute(prediction).forEach((key, v) -> metrics.put("test_" + key, v));
            metrics.put("test_runtime", Math.round(seconds * 1e4) / 1e4);
            metrics.put("test_samples_per_second", Math.round(rows / Math.max(seconds, 1e-9) * 1e3) / 1e3);
            long[][] confusion = Metrics.confusionMatrix(prediction.predictedLabels(), labels, k);
            List<String> names = runtime.id2label().values().stream().toList();
            return new Result(metrics, confusion, names, rows);
        }
    }
}
