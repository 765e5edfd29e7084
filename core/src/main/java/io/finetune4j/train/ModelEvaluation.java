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
import io.finetune4j.model.BertForSequenceClassification;
import io.finetune4j.pipeline.ModelRuntimes;
import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.pipeline.TextClassifier.LabelScore;
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
            ClassificationData.Preprocessing preprocessing, boolean useCpu, String runtime, boolean quantized) {
        public Options(String model, String dataset, String split, Integer maxSamples, int seed, int batchSize,
                ClassificationData.Preprocessing preprocessing, boolean useCpu) {
            this(model, dataset, split, maxSamples, seed, batchSize, preprocessing, useCpu, ModelRuntimes.DJL, false);
        }
    }

    public record Result(Map<String, Double> metrics, long[][] confusionMatrix, List<String> labels, int rows) {}

    public static Result run(Options o) {
        Path dir = PretrainedModels.resolve(o.model());
        DatasetDict raw = Datasets.load(o.dataset(), LoadOptions.builder()
                .textColumn(o.preprocessing().textColumn()).labelColumn(o.preprocessing().labelColumn()).build());
        Dataset split = ClassificationData.split(raw, o.split());
        Dataset sample = ClassificationData.sample(split, o.maxSamples(), o.maxSamples() != null, o.seed());
        ClassLabel classLabel = ClassificationData.classLabel(sample, o.preprocessing().labelColumn());
        if (o.runtime() != null && !ModelRuntimes.DJL.equalsIgnoreCase(o.runtime())) {
            return viaPipeline(o, dir, sample, classLabel);
        }
        try (AutoTokenizer tokenizer = AutoTokenizer.fromPretrained(dir);
             BertForSequenceClassification model = BertForSequenceClassification.fromPretrained(dir,
                     io.finetune4j.model.LoadOptions.builder().device(Devices.select(o.useCpu())).build())) {
            if (model.numLabels() != classLabel.numClasses()) {
                throw new io.finetune4j.BadInputException("the model at " + dir + " has " + model.numLabels() + " labels but "
                        + o.dataset() + " has " + classLabel.numClasses() + " classes " + classLabel.names());
            }
            EncodedColumns columns = ClassificationData.encode(sample, tokenizer, o.preprocessing(), "Running tokenizer on " + o.split());
            TrainingArguments args = TrainingArguments.builder()
                    .perDeviceEvalBatchSize(o.batchSize()).set("use_cpu", o.useCpu()).set("disable_tqdm", true).build();
            Trainer trainer = Trainer.builder().model(model).args(args).computeMetrics(ComputeMetrics.classification()).build();
            PredictionOutput out = trainer.predict(columns);
            int[] predicted = new EvalPrediction(out.predictions(), out.labelIds()).predictedLabels();
            long[][] confusion = Metrics.confusionMatrix(predicted, out.labelIds(), model.numLabels());
            List<String> labels = model.id2label().values().stream().toList();
            return new Result(out.metrics(), confusion, labels, columns.size());
        }
    }

    /**
     * The same metrics from the text-classification pipeline on another runtime: texts truncated
     * (right) to max_length, probabilities in label order, test_loss the mean cross-entropy.
     */
    private static Result viaPipeline(Options o, Path dir, Dataset sample, ClassLabel classLabel) {
        if (!"right".equals(o.preprocessing().truncationSide())) {
            throw new io.finetune4j.BadInputException("--truncation_side " + o.preprocessing().truncationSide() + " is not yet supported with --runtime "
                    + o.runtime() + "; use right (the default) or --runtime djl");
        }
        String[] texts = sample.strings(o.preprocessing().textColumn());
        int[] labels = sample.ints(o.preprocessing().labelColumn());
        try (TextClassificationPipeline pipeline = TextClassificationPipeline.builder().model(dir).runtime(o.runtime()).quantized(o.quantized())
                .batchSize(o.batchSize()).maxLength(o.preprocessing().maxLength()).truncation(true).topK(0).build()) {
            List<String> names = pipeline.labels();
            if (names.size() != classLabel.numClasses()) {
                throw new io.finetune4j.BadInputException("the model at " + dir + " has " + names.size() + " labels but "
                        + o.dataset() + " has " + classLabel.numClasses() + " classes " + classLabel.names());
            }
            long start = System.nanoTime();
            List<List<LabelScore>> scores = pipeline.classify(List.of(texts), 0);
            double seconds = (System.nanoTime() - start) / 1e9;
            float[][] probabilities = new float[texts.length][names.size()];
            double loss = 0;
            for (int r = 0; r < texts.length; r++) {
                for (LabelScore s : scores.get(r)) {
                    probabilities[r][names.indexOf(s.label())] = (float) s.score();
                }
                loss -= Math.log(Math.max(probabilities[r][labels[r]], 1e-12f));
            }
            EvalPrediction prediction = new EvalPrediction(probabilities, labels);
            Map<String, Double> metrics = new java.util.LinkedHashMap<>();
            metrics.put("test_loss", loss / Math.max(1, texts.length));
            ComputeMetrics.classification().compute(prediction).forEach((k, v) -> metrics.put("test_" + k, v));
            metrics.put("test_runtime", Math.round(seconds * 1e4) / 1e4);
            metrics.put("test_samples_per_second", Math.round(texts.length / Math.max(seconds, 1e-9) * 1e3) / 1e3);
            long[][] confusion = Metrics.confusionMatrix(prediction.predictedLabels(), labels, names.size());
            return new Result(metrics, confusion, names, texts.length);
        }
    }
}
