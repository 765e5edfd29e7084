package io.finetune4j.tasks;

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
import io.finetune4j.train.DataCollatorWithPadding;
import io.finetune4j.train.EncodedColumns;
import io.finetune4j.train.Trainer;
import io.finetune4j.tokenize.MaxLength;
import java.util.List;

/**
 * From a raw split to the int columns the Trainer consumes: pick the split (HF slicing), sample it,
 * tokenize it through the cached {@code Dataset.map}, and check its labels. Shared by training and
 * the evaluate command so both see the same preprocessing.
 */
public final class ClassificationData {
    private ClassificationData() {}

    /**
     * How texts become token ids; {@code textPairColumn} (may be null) makes each row a text pair. {@code maxLength}
     * and {@code truncationSide} may be null for "as the model was trained" (tokenizer_config.json's
     * model_max_length and truncation_side): see {@link #forModel}.
     */
    public record Preprocessing(String textColumn, String labelColumn, Integer maxLength, boolean padToMaxLength,
            EncodeOptions.Side truncationSide, Integer numWorkers, boolean overwriteCache, String textPairColumn) {
        public Preprocessing(String textColumn, String labelColumn, Integer maxLength, boolean padToMaxLength, EncodeOptions.Side truncationSide,
                Integer numWorkers, boolean overwriteCache) {
            this(textColumn, labelColumn, maxLength, padToMaxLength, truncationSide, numWorkers, overwriteCache, null);
        }

        /** A training run's preprocessing: its max_seq_length as {@link MaxLength#forTraining} lowers it for this model. */
        public static Preprocessing of(DataArguments d, AutoTokenizer tokenizer, int maxPositions) {
            return new Preprocessing(d.textColumnName(), d.labelColumnName(),
                    MaxLength.forTraining(d.maxSeqLength(), tokenizer == null ? Integer.MAX_VALUE : tokenizer.modelMaxLength(), maxPositions), d.padToMaxLength(), d.truncationSide(),
                    d.preprocessingNumWorkers(), d.overwriteCache(), d.textPairColumnName());
        }

        /** The text columns the tokenizer reads: one, or the two of a pair. */
        public List<String> textColumns() {
            return textPairColumn == null ? List.of(textColumn) : List.of(textColumn, textPairColumn);
        }

        /**
         * The length and side resolved for one model, before anything is tokenized: the length by {@link MaxLength}
         * (asked for, else the tokenizer's model_max_length; refused above the model's {@code maxPositions}), the side
         * asked for, else the tokenizer's truncation_side (as saved with the model).
         */
        public Preprocessing forModel(AutoTokenizer tokenizer, int maxPositions) {
            return new Preprocessing(textColumn, labelColumn, MaxLength.resolve(maxLength, tokenizer.modelMaxLength(), maxPositions),
                    padToMaxLength, truncationSide != null ? truncationSide : tokenizer.truncationSide(), numWorkers, overwriteCache,
                    textPairColumn);
        }

        /**
         * The one padding decision, made when tokenizing: pad_to_max_length pads every row to max_length there
         * (HF's {@code padding="max_length"}); otherwise rows stay unpadded and {@link #collator} pads each batch to
         * its longest row (HF's {@code DataCollatorWithPadding}).
         */
        EncodeOptions encodeOptions() {
            return EncodeOptions.builder()
                    .truncation(true)
                    .padding(padToMaxLength ? EncodeOptions.Padding.MAX_LENGTH : EncodeOptions.Padding.DO_NOT_PAD)
                    .maxLength(maxLength)
                    .truncationSide(truncationSide)
                    .build();
        }

        /**
         * The collator for columns from {@link #encodeOptions}: it pads each batch to its longest row, which is
         * max_length for every batch when the rows were padded when tokenizing; it decides nothing itself.
         */
        public DataCollatorWithPadding collator(AutoTokenizer tokenizer) {
            return tokenizer == null ? DataCollatorWithPadding.longest() // pre-tokenized rows: BERT's pad id, as HF's collator would
                    : DataCollatorWithPadding.of(tokenizer, EncodeOptions.Padding.LONGEST, 0);
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

    public static final String SINGLE_LABEL = "single_label_classification";
    public static final String MULTI_LABEL = "multi_label_classification";
    public static final String REGRESSION = "regression";

    /**
     * What the model learns from the label column: HF's problem_type, the label names in id order (null when the
     * data names none: regression, multi-hot vectors) and the number of model outputs.
     */
    public record Labels(String problemType, List<String> names, int numLabels) {
        public boolean regression() {
            return REGRESSION.equals(problemType);
        }

        public boolean multiLabel() {
            return MULTI_LABEL.equals(problemType);
        }
    }

    /**
     * The problem type and labels of a split, as HF's run_classification.py decides them: a label column of floats
     * is regression (one output), a column of lists (label names or ids, or multi-hot vectors) multi-label, class
     * names or ids single-label. {@code problemType} (may be null) overrides the inference where the data allows it:
     * regression casts class ids to floats (as HF does); a mismatch is a one-line error.
     */
    public static Labels labels(Dataset ds, String labelColumn, String problemType) {
        if (!ds.columnNames().contains(labelColumn)) {
            throw new BadInputException("the data set has no label column '" + labelColumn + "'; its columns are " + ds.columnNames()
                    + " (set label_column_name)");
        }
        if (problemType != null && !io.finetune4j.models.ConfigJson.PROBLEM_TYPES.contains(problemType)) {
            throw new BadInputException("problem_type '" + problemType + "' is unknown; use one of "
                    + String.join(", ", io.finetune4j.models.ConfigJson.PROBLEM_TYPES));
        }
        Column c = ds.column(labelColumn);
        ClassLabel classes = ds.features().labelClasses(labelColumn);
        String holds = "label column '" + labelColumn + "' holds ";
        if (c instanceof Column.Floats) {
            if (problemType != null && !problemType.equals(REGRESSION)) {
                throw new BadInputException(holds + "floats (regression) but problem_type is " + problemType
                        + "; use class names or ids (or lists of them for multi-label), or give label_names to read the floats as class ids");
            }
            return new Labels(REGRESSION, null, 1);
        }
        if (c instanceof Column.Ints) {
            if (REGRESSION.equals(problemType)) {
                return new Labels(REGRESSION, null, 1); // HF's run_classification casts the labels to float32
            }
            if (MULTI_LABEL.equals(problemType)) {
                throw new BadInputException(holds + "one class per row but problem_type is multi_label_classification; give each row a "
                        + "list of labels (a JSON/parquet list, or names joined by label_delimiter in CSV)");
            }
            if (ds.features().classLabel(labelColumn) == null && io.finetune4j.data.PreTokenized.holds(ds.columnNames(), null)) {
                // pre-tokenized rows with int labels and no ClassLabel, as HF's Trainer takes them: ids 0..max
                List<String> names = idNames(new Column.IntLists(java.util.Arrays.stream(((Column.Ints) c).values())
                        .mapToObj(id -> new int[] {id}).toArray(int[][]::new)));
                return new Labels(SINGLE_LABEL, names, Math.max(2, names.size()));
            }
            ClassLabel label = classLabel(ds, labelColumn);
            return new Labels(SINGLE_LABEL, label.names(), label.numClasses());
        }
        if (c instanceof Column.IntLists lists) {
            if (problemType != null && !problemType.equals(MULTI_LABEL)) {
                throw new BadInputException(holds + "lists of labels (multi-label) but problem_type is " + problemType
                        + "; use problem_type multi_label_classification or one label per row");
            }
            List<String> names = classes != null ? classes.names() : idNames(lists);
            if (names.size() < 2) {
                throw new BadInputException(holds + "only " + names.size() + " label " + names + "; multi-label needs at least 2");
            }
            return new Labels(MULTI_LABEL, names, names.size());
        }
        if (c instanceof Column.FloatLists vectors) {
            int width = vectors.size() == 0 || vectors.values()[0] == null ? 0 : vectors.values()[0].length;
            if (width < 1) {
                throw new BadInputException(holds + "empty float vectors; give one value per label");
            }
            if (SINGLE_LABEL.equals(problemType)) {
                throw new BadInputException(holds + "float vectors (multi-hot, multi-label) but problem_type is single_label_classification");
            }
            return new Labels(problemType != null ? problemType : MULTI_LABEL, null, width);
        }
        throw new BadInputException(holds + c.typeName() + ", not class names or ids, floats (regression) or lists of labels (multi-label)");
    }

    /** "0", "1", … up to the largest id of id lists without a ClassLabel. */
    private static List<String> idNames(Column.IntLists lists) {
        int max = -1;
        for (int[] row : lists.values()) {
            for (int id : row) {
                max = Math.max(max, id);
            }
        }
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i <= max; i++) {
            names.add(Integer.toString(i));
        }
        return names;
    }

    /** Tokenizes a split (cached by fingerprint) into the Trainer's columns, labels as their column holds them. */
    public static EncodedColumns encode(Dataset ds, AutoTokenizer tokenizer, Preprocessing p, String desc) {
        return encode(ds, tokenizer, p, desc, null);
    }

    /**
     * Tokenizes a split (cached by fingerprint) into the Trainer's columns, with the labels as the model's loss takes
     * them for {@code labels}' problem type: class ids, floats (regression) or multi-hot float vectors (HF's
     * {@code multi_labels_to_ids}). {@code labels} null: as {@link #labels} infers them from this split.
     */
    public static EncodedColumns encode(Dataset ds, AutoTokenizer tokenizer, Preprocessing p, String desc, Labels labels) {
        if (io.finetune4j.data.PreTokenized.holds(ds.columnNames(), p.textColumn())) {
            return tokenIds(ds, labelColumn(ds, p.labelColumn()), labels);
        }
        Dataset tokenized = tokenize(ds, tokenizer, p, desc);
        Labels kind = labels != null ? labels : labels(ds, p.labelColumn(), null);
        Column target = targets(tokenized.column(p.labelColumn()), kind, p.labelColumn());
        return new EncodedColumns(
                (Column.IntLists) tokenized.column(BatchEncoding.INPUT_IDS),
                (Column.IntLists) tokenized.column(BatchEncoding.TOKEN_TYPE_IDS),
                (Column.IntLists) tokenized.column(BatchEncoding.ATTENTION_MASK),
                target);
    }

    /**
     * The split's precomputed row lengths for group_by_length: the values of its column {@code name}
     * (length_column_name), or null when it has no such column (the token counts are used then, as HF's Trainer does).
     */
    public static int[] lengthColumn(Dataset ds, String name) {
        if (name == null || !ds.columnNames().contains(name)) {
            return null;
        }
        if (!(ds.column(name) instanceof Column.Ints ints)) {
            throw new BadInputException("column '" + name + "' (length_column_name) holds " + ds.column(name).typeName()
                    + ", not one integer length per row; fix the column or set length_column_name to another one");
        }
        int[] v = ints.values();
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0) {
                throw new BadInputException("row " + i + " of column '" + name + "' (length_column_name) has length " + v[i]
                        + "; lengths must be 0 or more");
            }
        }
        return v;
    }

    /** The split's text columns tokenized (cached by fingerprint), the texts removed. */
    private static Dataset tokenize(Dataset ds, AutoTokenizer tokenizer, Preprocessing p, String desc) {
        for (String column : p.textColumns()) {
            if (!ds.columnNames().contains(column)) {
                throw new BadInputException("the data set has no text column '" + column + "'; its columns are " + ds.columnNames()
                        + (p.textPairColumn() == null ? " (set text_column_name)" : " (set text_column_names)"));
            }
        }
        MapOptions.Builder options = MapOptions.builder()
                .desc(desc)
                .removeColumns(p.textColumns())
                .loadFromCacheFile(!p.overwriteCache());
        if (p.numWorkers() != null) {
            options.numProc(p.numWorkers());
        }
        return ds.map(tokenizer.mapFunction(p.textColumn(), p.textPairColumn(), p.encodeOptions()), options.build());
    }

    /**
     * A split to predict (do_predict): as {@link #encode}, but a split without the label column is fine (HF's
     * run_classification.py drops the labels before predicting); its columns then have no labels.
     */
    public static EncodedColumns encodeForPrediction(Dataset ds, AutoTokenizer tokenizer, Preprocessing p, String desc, Labels labels) {
        if (ds.columnNames().contains(p.labelColumn())) {
            return encode(ds, tokenizer, p, desc, labels);
        }
        Dataset tokenized = tokenize(ds, tokenizer, p, desc);
        return new EncodedColumns((Column.IntLists) tokenized.column(BatchEncoding.INPUT_IDS),
                (Column.IntLists) tokenized.column(BatchEncoding.TOKEN_TYPE_IDS),
                (Column.IntLists) tokenized.column(BatchEncoding.ATTENTION_MASK), null);
    }

    /** Whether the split's rows are token ids already (an input_ids column, no text column): they need no tokenizer. */
    public static boolean preTokenized(Dataset ds, String textColumn) {
        return io.finetune4j.data.PreTokenized.holds(ds.columnNames(), textColumn);
    }

    /** The label column to read: the configured one, or {@code labels} in pre-tokenized rows that lack it. */
    public static String labelColumn(Dataset ds, String configured) {
        return io.finetune4j.data.PreTokenized.holds(ds.columnNames(), null)
                ? io.finetune4j.data.PreTokenized.labelColumn(ds.columnNames(), configured) : configured;
    }

    /**
     * Pre-tokenized rows as the Trainer's columns, as they are (HF's default collator stacks them): input_ids, and
     * token_type_ids / attention_mask when present (zeros / ones when absent), labels as for {@link #encode}.
     */
    static EncodedColumns tokenIds(Dataset ds, String labelColumn, Labels labels) {
        Column ids = ds.column(io.finetune4j.data.PreTokenized.INPUT_IDS);
        if (!(ids instanceof Column.IntLists inputIds)) {
            throw new BadInputException("column input_ids holds " + ids.typeName() + ", not lists of token ids");
        }
        Column.IntLists types = idsOr(ds, io.finetune4j.data.PreTokenized.TOKEN_TYPE_IDS, inputIds, 0);
        Column.IntLists mask = idsOr(ds, io.finetune4j.data.PreTokenized.ATTENTION_MASK, inputIds, 1);
        for (int i = 0; i < inputIds.size(); i++) {
            int n = inputIds.values()[i].length;
            if (n == 0 || types.values()[i].length != n || mask.values()[i].length != n) {
                throw new BadInputException("row " + i + " of the pre-tokenized data has " + n + " input_ids, "
                        + types.values()[i].length + " token_type_ids and " + mask.values()[i].length
                        + " attention_mask values; each row needs the same number (at least one)");
            }
        }
        Labels kind = labels != null ? labels : labels(ds, labelColumn, null);
        return new EncodedColumns(inputIds, types, mask, targets(ds.column(labelColumn), kind, labelColumn));
    }

    private static Column.IntLists idsOr(Dataset ds, String name, Column.IntLists like, int fill) {
        if (ds.columnNames().contains(name)) {
            if (ds.column(name) instanceof Column.IntLists l) {
                return l;
            }
            throw new BadInputException("column " + name + " holds " + ds.column(name).typeName() + ", not lists of ints");
        }
        int[][] out = new int[like.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new int[like.values()[i].length];
            java.util.Arrays.fill(out[i], fill);
        }
        return new Column.IntLists(out);
    }

    /** The label column as the loss of {@code kind} takes it; a column of another kind is a one-line error. */
    public static Column targets(Column c, Labels kind, String labelColumn) {
        String holds = "label column '" + labelColumn + "' holds ";
        if (kind.regression()) {
            if (c instanceof Column.Floats || c instanceof Column.FloatLists) {
                return c;
            }
            if (c instanceof Column.Ints ints) {
                float[] out = new float[ints.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = ints.values()[i];
                }
                return new Column.Floats(out);
            }
            throw new BadInputException(holds + c.typeName() + " but the model does regression; give one number per row");
        }
        if (kind.multiLabel()) {
            if (c instanceof Column.FloatLists) {
                return c;
            }
            if (c instanceof Column.IntLists lists) {
                float[][] out = new float[lists.size()][kind.numLabels()];
                for (int i = 0; i < out.length; i++) {
                    for (int id : lists.values()[i]) {
                        if (id < 0 || id >= kind.numLabels()) {
                            throw new BadInputException("row " + i + " of " + labelColumn + " has label id " + id + " but there are "
                                    + kind.numLabels() + " labels " + kind.names() + "; fix the data or load the model with more labels");
                        }
                        out[i][id] = 1f; // HF's multi_labels_to_ids: multi-hot, float for BCE-with-logits
                    }
                }
                return new Column.FloatLists(out);
            }
            throw new BadInputException(holds + (c instanceof Column.Floats ? "floats (regression)" : "one class per row")
                    + " but the model is multi-label (multi_label_classification); give each row a list of labels");
        }
        if (c instanceof Column.Ints) {
            return c;
        }
        throw new BadInputException(holds + (c instanceof Column.Floats ? "floats (regression)" : c instanceof Column.IntLists
                ? "lists of labels (multi-label)" : c.typeName()) + " but the model is single-label (single_label_classification); "
                + "give one class name or id per row, or train with the matching problem_type");
    }

    /** Display names by id: the caller's, else the ClassLabel's. */
    public static List<String> labelNames(List<String> override, ClassLabel label) {
        return labelNames(override, new Labels(SINGLE_LABEL, label.names(), label.numClasses()));
    }

    /** Display names by id: the caller's, else the data's, else HF's LABEL_0, LABEL_1, … */
    public static List<String> labelNames(List<String> override, Labels labels) {
        if (override == null || override.isEmpty()) {
            if (labels.names() != null) {
                return labels.names();
            }
            List<String> out = new java.util.ArrayList<>();
            for (int i = 0; i < labels.numLabels(); i++) {
                out.add("LABEL_" + i);
            }
            return out;
        }
        if (override.size() != labels.numLabels()) {
            throw new BadInputException("label_names has " + override.size() + " names " + override + " but the data set has "
                    + labels.numLabels() + (labels.names() != null ? " classes " + labels.names() : " outputs (" + labels.problemType() + ")"));
        }
        return override;
    }
}
