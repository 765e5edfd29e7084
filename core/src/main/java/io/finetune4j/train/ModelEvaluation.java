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
import io.finetune4j.tokenize.AutoTokenizer;
import io.finetune4j.util.Devices;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Scores a saved classifier on a data set split: accuracy, precision, recall, F1 and the confusion matrix. */
public final class ModelEvaluation {
    private ModelEvaluation() {}

    public record Options(String model, String dataset, String split, Integer maxSamples, int seed, int batchSize,
            ClassificationData.Preprocessing preprocessing, boolean useCpu) {}

    public record Result(Map<String, Double> metrics, long[][] confusionMatrix, List<String> labels, int rows) {}

    public static Result run(Options o) {
        Path dir = PretrainedModels.resolve(o.model());
        DatasetDict raw = Datasets.load(o.dataset(), LoadOptions.builder()
                .textColumn(o.preprocessing().textColumn()).labelColumn(o.preprocessing().labelColumn()).build());
        Dataset split = ClassificationData.split(raw, o.split());
        Dataset sample = ClassificationData.sample(split, o.maxSamples(), o.maxSamples() != null, o.seed());
        ClassLabel classLabel = ClassificationData.classLabel(sample, o.preprocessing().labelColumn());
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
            Trainer trainer = Trainer.builder().model(model).args(args).computeMetrics(ComputeMetrics.classification()).build();
            PredictionOutput out = trainer.predict(columns);
            int[] predicted = new EvalPrediction(out.predictions(), out.labelIds()).predictedLabels();
            long[][] confusion = Metrics.confusionMatrix(predicted, out.labelIds(), model.numLabels());
            List<String> labels = model.id2label().values().stream().toList();
            return new Result(out.metrics(), confusion, labels, columns.size());
        }
    }

}
