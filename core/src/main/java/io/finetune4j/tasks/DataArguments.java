package io.finetune4j.tasks;

import io.finetune4j.BadInputException;
import io.finetune4j.config.Arg;
import io.finetune4j.tokenize.EncodeOptions;
import io.finetune4j.tokenize.MaxLength;

/** What data to train and evaluate on and how to tokenize it (HF's run_classification.py DataTrainingArguments). */
public final class DataArguments {
    @Arg(name = "dataset_name", help = "imdb, or a local data set: HF parquet folder, CSV/JSON file, or aclImdb folder.")
    String datasetName = "imdb";
    @Arg(name = "train_split_name", help = "Split to train on; HF slicing works (train[:10%]).")
    String trainSplitName = "train";
    @Arg(name = "validation_split_name", help = "Split to evaluate on; HF slicing works (test[:2000]).")
    String validationSplitName = "test";
    @Arg(name = "text_column_name", help = "Column holding the text.")
    String textColumnName = "text";
    @Arg(name = "text_column_names", help = "Comma-separated text columns; two (e.g. sentence1,sentence2 or premise,hypothesis) "
            + "are encoded as a text pair as run_glue.py does ([CLS] a [SEP] b [SEP], token_type_ids 0/1, longest_first truncation), "
            + "where run_classification.py would join them with a space. Overrides text_column_name.")
    String textColumnNames = null;
    @Arg(name = "label_column_name", help = "Column holding the label.")
    String labelColumnName = "label";
    @Arg(name = "label_delimiter", help = "Splits a text label into several labels (multi-label from CSV, e.g. | for \"sports|politics\"); "
            + "a label column of lists (JSON arrays, parquet lists) is multi-label without it.")
    String labelDelimiter = null;
    @Arg(name = "max_seq_length", help = "Tokens per text after truncation (the seed's max_length); above the model's limit (model_max_length, "
            + "max_position_embeddings) it is lowered to it with a warning, as HF does.")
    int maxSeqLength = 128;
    @Arg(name = "pad_to_max_length", help = "Pad every text to max_seq_length (as the seed); false pads each batch to its longest text.")
    boolean padToMaxLength = true;
    @Arg(name = "truncation_side", help = "Which end of a long text to cut: right keeps the beginning, left keeps the end.")
    EncodeOptions.Side truncationSide = EncodeOptions.Side.RIGHT;
    @Arg(name = "max_train_samples", help = "Use only this many training rows (after shuffling when shuffle_train_dataset).")
    Integer maxTrainSamples = null;
    @Arg(name = "test_split_name", help = "Split that do_predict predicts (written to output_dir/predict_results.txt); HF slicing works.")
    String testSplitName = "test";
    @Arg(name = "max_predict_samples", help = "Predict only the first N rows of test_split_name (HF's run_classification.py).")
    Integer maxPredictSamples = null;
    @Arg(name = "max_eval_samples", help = "Evaluate on a random sample of this many rows (seed shuffle_seed), so sorted splits stay balanced.")
    Integer maxEvalSamples = null;
    @Arg(name = "shuffle_train_dataset", help = "Shuffle the training split before max_train_samples selects from it.")
    boolean shuffleTrainDataset = false;
    @Arg(name = "shuffle_seed", help = "Seed of that shuffle and of the evaluation sample.")
    int shuffleSeed = 42;
    @Arg(name = "preprocessing_num_workers", help = "Threads for tokenization (default: all cores).")
    Integer preprocessingNumWorkers = null;
    @Arg(name = "overwrite_cache", help = "Tokenize again instead of loading the cached result.")
    boolean overwriteCache = false;

    public DataArguments validate() {
        MaxLength.check(maxSeqLength); // the model's positions are checked when it is known, before tokenizing
        textColumns(); // checks text_column_names
        if (maxTrainSamples != null && maxTrainSamples < 1) {
            throw new BadInputException("max_train_samples must be >= 1, got " + maxTrainSamples);
        }
        if (maxPredictSamples != null && maxPredictSamples < 1) {
            throw new BadInputException("max_predict_samples must be >= 1, got " + maxPredictSamples);
        }
        if (maxEvalSamples != null && maxEvalSamples < 1) {
            throw new BadInputException("max_eval_samples must be >= 1, got " + maxEvalSamples);
        }
        if (preprocessingNumWorkers != null && preprocessingNumWorkers < 1) {
            throw new BadInputException("preprocessing_num_workers must be >= 1, got " + preprocessingNumWorkers);
        }
        return this;
    }

    public String datasetName() { return datasetName; }
    public String trainSplitName() { return trainSplitName; }
    public String validationSplitName() { return validationSplitName; }
    public String textColumnName() { return textColumns().get(0); }

    /** The text column, or the two columns of a text pair (text_column_names). */
    public java.util.List<String> textColumns() {
        if (textColumnNames == null || textColumnNames.isBlank()) {
            return java.util.List.of(textColumnName);
        }
        java.util.List<String> names = java.util.Arrays.stream(textColumnNames.split(",")).map(String::strip).toList();
        if (names.size() > 2 || names.stream().anyMatch(String::isEmpty)) {
            throw new BadInputException("text_column_names takes one column or two comma-separated columns (a text pair, e.g. "
                    + "sentence1,sentence2), got '" + textColumnNames + "'");
        }
        return names;
    }

    /** The second column of a text pair, or null. */
    public String textPairColumnName() {
        java.util.List<String> names = textColumns();
        return names.size() == 2 ? names.get(1) : null;
    }
    public String labelColumnName() { return labelColumnName; }
    public String labelDelimiter() { return labelDelimiter; }
    public int maxSeqLength() { return maxSeqLength; }
    public boolean padToMaxLength() { return padToMaxLength; }
    public EncodeOptions.Side truncationSide() { return truncationSide; }
    public Integer maxTrainSamples() { return maxTrainSamples; }
    public Integer maxEvalSamples() { return maxEvalSamples; }
    public String testSplitName() { return testSplitName; }
    public Integer maxPredictSamples() { return maxPredictSamples; }
    public boolean shuffleTrainDataset() { return shuffleTrainDataset; }
    public int shuffleSeed() { return shuffleSeed; }
    public Integer preprocessingNumWorkers() { return preprocessingNumWorkers; }
    public boolean overwriteCache() { return overwriteCache; }
}
