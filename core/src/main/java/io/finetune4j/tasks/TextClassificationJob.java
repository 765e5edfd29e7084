package io.finetune4j.tasks;

import io.finetune4j.data.Dataset;
import io.finetune4j.data.DatasetDict;
import io.finetune4j.data.Datasets;
import io.finetune4j.data.LoadDatasetOptions;
import io.finetune4j.io.hub.PretrainedModels;
import io.finetune4j.metrics.ComputeMetrics;
import io.finetune4j.models.auto.AutoConfig;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.models.SequenceClassifier;
import io.finetune4j.peft.PeftSetup;
import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.pipeline.TextClassifier;
import io.finetune4j.tokenize.AutoTokenizer;
import io.finetune4j.tokenize.EncodeOptions;
import io.finetune4j.train.DataCollatorWithPadding;
import io.finetune4j.train.EarlyStoppingCallback;
import io.finetune4j.train.EncodedColumns;
import io.finetune4j.train.TrainOutput;
import io.finetune4j.train.Trainer;
import io.finetune4j.train.TrainerCallback;
import io.finetune4j.train.TrainingArguments;
import io.finetune4j.train.OutputDirs;
import io.finetune4j.train.UnfreezeSchedule;
import io.finetune4j.io.Environment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed's notebook as one call, the way HF's run_classification.py runs it: load the data set,
 * tokenize it, load the pretrained model with a fresh head, freeze what the config says, train with
 * the Trainer, evaluate, save. Reads top to bottom; printing is left to the {@link Listener}.
 */
public final class TextClassificationJob {
    private TextClassificationJob() {}

    /** What a caller (the CLI) may want to show as the job goes. */
    public interface Listener {
        default void onData(DatasetDict raw, Dataset train, Dataset eval) {}

        /** The model as it trains (LoRA adapters added, layers frozen), before training starts. */
        default void onModel(SequenceClassifier model) {}

        default void onTrainEnd(TrainOutput output) {}

        default void onEvaluate(Map<String, Double> metrics) {}

        default void onPredictions(List<String> texts, List<List<TextClassifier.LabelScore>> results) {}
    }

    public record Result(TrainOutput trainOutput, Map<String, Double> evalMetrics, Path outputDir,
            List<List<TextClassifier.LabelScore>> predictions) {}

    public static Result run(RunArguments a, List<TrainerCallback> callbacks, Listener listener) {
        ModelArguments m = a.model();
        DataArguments d = a.data();
        TrainingArguments t = a.training();
        OutputDirs.checkNotEmpty(t); // before the data and the model load

        // --- data: load, pick the splits, sample
        DatasetDict raw = Datasets.load(d.datasetName(), LoadDatasetOptions.builder()
                .textColumn(d.textColumnName()).labelColumn(d.labelColumnName()).labelDelimiter(d.labelDelimiter()).build());
        Dataset train = ClassificationData.sample(ClassificationData.split(raw, d.trainSplitName()), d.maxTrainSamples(),
                d.shuffleTrainDataset(), d.shuffleSeed());
        boolean evaluates = t.evalStrategy() != TrainingArguments.IntervalStrategy.NO || t.doEval() || t.loadBestModelAtEnd();
        Dataset eval = evaluates ? ClassificationData.sample(ClassificationData.split(raw, d.validationSplitName()), d.maxEvalSamples(),
                d.maxEvalSamples() != null, d.shuffleSeed()) : null;
        listener.onData(raw, train, eval);
        // problem_type: given, else from the label column (floats: regression, lists: multi-label), as run_classification.py
        // rows of token ids (input_ids, ..., labels) train as they are: no text column, no tokenizer
        boolean preTokenized = ClassificationData.preTokenized(train, d.textColumnName());
        if (preTokenized && !m.predictTexts().isEmpty()) {
            throw new io.finetune4j.BadInputException("predict_texts needs a tokenizer, but the data is pre-tokenized (input_ids, no text "
                    + "column), so none is loaded; drop predict_texts");
        }
        ClassificationData.Labels kind = ClassificationData.labels(train, ClassificationData.labelColumn(train, d.labelColumnName()),
                m.problemType());
        List<String> labels = ClassificationData.labelNames(m.labelNames(), kind);

        // --- tokenize (cached by fingerprint: a second run loads from disk)
        Path modelDir = PretrainedModels.resolve(m.modelNameOrPath());
        ClassificationData.Preprocessing prep;
        AutoTokenizer tokenizer;
        int maxPositions = AutoConfig.fromPretrained(modelDir).maxInputLength();
        if (preTokenized) { // token ids as they are: no tokenizer, the length only bounds what the model takes
            prep = ClassificationData.Preprocessing.of(d, null, maxPositions);
            tokenizer = null;
        } else {
            try (AutoTokenizer loaded = AutoTokenizer.fromPretrained(modelDir)) {
                // the length (lowered to the model's limit with a warning, as HF does) resolved once, before anything is tokenized
                prep = ClassificationData.Preprocessing.of(d, loaded, maxPositions);
                tokenizer = savedWith(loaded, prep);
            }
        }
        try (tokenizer) {
            EncodedColumns trainColumns = ClassificationData.encode(train, tokenizer, prep, "Running tokenizer on train", kind);
            if (t.groupByLength()) { // a length_column_name column, when the split has one, groups the rows (HF's Trainer)
                trainColumns = trainColumns.withLengths(ClassificationData.lengthColumn(train, t.lengthColumnName()));
            }
            EncodedColumns evalColumns = eval == null ? null : ClassificationData.encode(eval, tokenizer, prep, "Running tokenizer on eval", kind);

            // --- model: pretrained body, new head, optional fewer layers, freezing
            Map<Integer, String> id2label = new LinkedHashMap<>();
            for (int i = 0; i < labels.size(); i++) {
                id2label.put(i, labels.get(i));
            }
            io.finetune4j.models.LoadOptions.Builder load = io.finetune4j.models.LoadOptions.builder()
                    .numLabels(labels.size()).id2label(id2label).problemType(kind.problemType())
                    .device(Environment.device(t.useCpu())).seed(t.seed()).attnImplementation(m.attnImplementation());
            if (m.numHiddenLayers() != null) {
                load.numHiddenLayers(m.numHiddenLayers());
            }
            try (SequenceClassificationModel model = AutoModelForSequenceClassification.fromPretrained(modelDir, load.build())) {
                if (m.trainable() != null) {
                    model.trainable(m.trainable());
                }
                if (m.freeze() != null) {
                    model.freeze(m.freeze());
                }
                // LoRA adapters on top (base frozen), or the model as configured
                SequenceClassifier trained = PeftSetup.apply(model, m.peft(), t.seed());
                listener.onModel(trained); // counts what trains: with LoRA, the adapters and the head

                // --- train
                List<TrainerCallback> all = new ArrayList<>(callbacks);
                UnfreezeSchedule unfreeze = UnfreezeSchedule.fromArguments(trained, a.unfreeze()); // sets epoch 0's layers now
                if (unfreeze != null) {
                    all.add(unfreeze);
                }
                EarlyStoppingCallback early = a.callbacks().earlyStopping();
                if (early != null) {
                    all.add(early);
                }
                Trainer trainer = Trainer.builder()
                        .model(trained).args(t).tokenizer(tokenizer)
                        .trainColumns(trainColumns).evalColumns(evalColumns)
                        .computeMetrics(ComputeMetrics.forProblemType(kind.problemType()))
                        .dataCollator(prep.collator(tokenizer))
                        .callbacks(all)
                        .build();
                TrainOutput output = trainer.train();
                listener.onTrainEnd(output);

                // --- evaluate the final (or best) model
                Map<String, Double> metrics = Map.of();
                if (evalColumns != null && t.doEval()) {
                    metrics = trainer.evaluate();
                    listener.onEvaluate(metrics);
                }
                // --- do_predict: the test split's predictions in output_dir/predict_results.txt (run_classification.py)
                if (t.doPredict()) {
                    Dataset test = ClassificationData.sample(ClassificationData.split(raw, d.testSplitName()), d.maxPredictSamples(), false, 0);
                    PredictResults.predictAndWrite(trainer, test, prep, tokenizer, kind, labels, Path.of(t.outputDir()));
                }
                // --- try the model on a few texts, through the same pipeline users get
                List<List<TextClassifier.LabelScore>> predictions = List.of();
                if (!m.predictTexts().isEmpty()) {
                    try (TextClassificationPipeline pipeline = TextClassificationPipeline.builder()
                            .model(trained).tokenizer(tokenizer).maxLength(prep.maxLength()).topK(1).build()) {
                        predictions = pipeline.classify(m.predictTexts());
                    }
                    listener.onPredictions(m.predictTexts(), predictions);
                }
                return new Result(output, metrics, Path.of(t.outputDir()), predictions);
            }
        }
    }

    /**
     * The tokenizer saved with the model: its truncation_side and model_max_length are the run's, so pipelines,
     * predict, serve and evaluate cut texts as they were cut in training.
     */
    private static AutoTokenizer savedWith(AutoTokenizer loaded, ClassificationData.Preprocessing prep) {
        try (AutoTokenizer sided = loaded.withTruncationSide(prep.truncationSide())) {
            return sided.withModelMaxLength(prep.maxLength());
        }
    }
}
