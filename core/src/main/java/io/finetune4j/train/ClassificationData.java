package io.finetune4j.train;

import io.finetune4j.BadInputException;
import io.finetune4j.data.ClassLabel;
import io.finetune4j.data.Column;
import io.finetune4j.data.Dataset;
import io.finetune4j.data.DatasetDict;
import io.finetune4j.data.MapOptions;
import io.finetune4j.data.SplitSpec;
import io.finetune4j.tokenize.AutoTokenizer;
import io.finetune4j.tokenize.BatchEncoding;
import io.finetune4j.tokenize.EncodeOptions;
import java.util.List;

/**
 * From a raw split to the int columns the Trainer consumes: pick the split (HF slicing), sample it,
 * tokenize it through the cached {@code Dataset.map}, and check its labels. Shared by training and
 * the evaluate command so both see the same preprocessing.
 */
public final class ClassificationData {
    private ClassificationData() {}

    /**
     * How texts become token ids. {@code maxLength} and {@code truncationSide} may be null for "as the model was
     * trained" (tokenizer_config.json's model_max_length and truncation_side): see {@link #forTokenizer}.
     */
    public record Preprocessing(String textColumn, String labelColumn, Integer maxLength, boolean padToMaxLength, String truncationSide,
            Integer numWorkers, boolean overwriteCache) {
        public static Preprocessing of(DataArguments d) {
            return new Preprocessing(d.textColumnName(), d.labelColumnName(), d.maxSeqLength(), d.padToMaxLength(), d.truncationSide(),
                    d.preprocessingNumWorkers(), d.overwriteCache());
        }

        /** Fills what was left null from the tokenizer saved with the model; explicit values win. */
        public Preprocessing forTokenizer(AutoTokenizer tokenizer) {
            int saved = tokenizer.modelMaxLength() == Integer.MAX_VALUE ? 512 : tokenizer.modelMaxLength();
            return new Preprocessing(textColumn, labelColumn, maxLength != null ? maxLength : saved, padToMaxLength,
                    truncationSide != null ? truncationSide : tokenizer.truncationSide().name().toLowerCase(java.util.Locale.ROOT),
                    numWorkers, overwriteCache);
        }

        EncodeOptions encodeOptions() {
            return EncodeOptions.builder()
                    .truncation(true)
                    .padding(padToMaxLength ? EncodeOptions.Padding.MAX_LENGTH : EncodeOptions.Padding.DO_NOT_PAD)
                    .maxLength(maxLength)
                    .truncationSide(EncodeOptions.Side.parse(truncationSide))
                    .build();
        }
    }

    /** A split by HF name, with slicing ({@code test[:10%]}); an unknown split lists the available ones. */
    public static Dataset split(DatasetDict dict, String spec) {
        SplitSpec s = SplitSpec.parse(spec);
        return s.apply(dict.get(s.split()));
    }

    /** The first {@code n} rows after a seeded shuffle (all rows, shuffled, when n is null and shuffle is set). */
    public static Dataset sample(Dataset ds, Integer n, boolean shuffle, long seed) {
        Dataset out = shuffle ? ds.shuffle(seed) : ds;
        if (n != null && n < out.numRows()) {
            out = out.select(0, n);
        }
        return out;
    }

    /** The ClassLabel of the label column, or a clear error when the column is not a class label. */
    public static ClassLabel classLabel(Dataset ds, String labelColumn) {
        if (!ds.columnNames().contains(labelColumn)) {
            throw new BadInputException("the data set has no label column '" + labelColumn + "'; its columns are " + ds.columnNames()
                    + " (set label_column_name)");
        }
        ClassLabel label = ds.features().classLabel(labelColumn);
        if (label == null) {
            throw new BadInputException("column '" + labelColumn + "' is not a ClassLabel (" + ds.features().get(labelColumn).typeName()
                    + "); give label names when loading (label_names)");
        }
        return label;
    }

    /** Tokenizes a split (cached by fingerprint) into the Trainer's columns. */
    public static EncodedColumns encode(Dataset ds, AutoTokenizer tokenizer, Preprocessing p, String desc) {
        if (!ds.columnNames().contains(p.textColumn())) {
            throw new BadInputException("the data set has no text column '" + p.textColumn() + "'; its columns are " + ds.columnNames()
                    + " (set text_column_name)");
        }
        MapOptions.Builder options = MapOptions.builder()
                .desc(desc)
                .removeColumns(p.textColumn())
                .loadFromCacheFile(!p.overwriteCache());
        if (p.numWorkers() != null) {
            options.numProc(p.numWorkers());
        }
        Dataset tokenized = ds.map(tokenizer.mapFunction(p.textColumn(), p.encodeOptions()), options.build());
        Column labels = tokenized.column(p.labelColumn());
        if (!(labels instanceof Column.Ints ints)) {
            throw new BadInputException("label column '" + p.labelColumn() + "' holds " + labels.typeName() + ", not integer class ids");
        }
        return new EncodedColumns(
                (Column.IntLists) tokenized.column(BatchEncoding.INPUT_IDS),
                (Column.IntLists) tokenized.column(BatchEncoding.TOKEN_TYPE_IDS),
                (Column.IntLists) tokenized.column(BatchEncoding.ATTENTION_MASK),
                ints);
    }

    /** Display names by id: the caller's, else the ClassLabel's. */
    public static List<String> labelNames(List<String> override, ClassLabel label) {
        if (override == null || override.isEmpty()) {
            return label.names();
        }
        if (override.size() != label.numClasses()) {
            throw new BadInputException("label_names has " + override.size() + " names " + override + " but the data set has "
                    + label.numClasses() + " classes " + label.names());
        }
        return override;
    }
}
