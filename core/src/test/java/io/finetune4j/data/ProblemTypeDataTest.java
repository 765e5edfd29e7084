package io.finetune4j.data;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.BadInputException;
import io.finetune4j.tasks.ClassificationData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Label columns by problem type, from real files: lists of label names or ids (JSON arrays, parquet lists, CSV with
 * label_delimiter) are multi-label, floats regression; ClassificationData turns them into what each loss takes
 * (multi-hot float vectors, floats) and names a mismatch in one line.
 */
class ProblemTypeDataTest {
    @TempDir
    Path tmp;

    private static final String LABEL = "label";

    @Test
    void jsonlListsOfNamesAreMultiLabelWithTheUnionOfNamesOverSplits() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("ml"));
        Files.writeString(dir.resolve("train.jsonl"), String.join("\n",
                "{\"text\": \"a goal and a song\", \"label\": [\"sports\", \"music\"]}",
                "{\"text\": \"the match\", \"label\": [\"sports\"]}",
                "{\"text\": \"nothing at all\", \"label\": []}", ""));
        Files.writeString(dir.resolve("test.jsonl"), "{\"text\": \"a pizza\", \"label\": [\"food\"]}\n");
        DatasetDict dict = Datasets.load(dir, LoadDatasetOptions.defaults());
        Dataset train = dict.get("train");
        ClassLabel names = ClassLabel.of("food", "music", "sports");
        assertEquals(new Feature.Sequence(names), train.features().get(LABEL), "HF's Sequence(ClassLabel), names sorted over all splits");
        assertEquals(names, dict.get("test").features().labelClasses(LABEL));
        assertArrayEquals(new int[] {2, 1}, train.intLists(LABEL)[0]);
        assertArrayEquals(new int[0], train.intLists(LABEL)[2]);

        ClassificationData.Labels labels = ClassificationData.labels(train, LABEL, null);
        assertEquals("multi_label_classification", labels.problemType());
        assertEquals(names.names(), labels.names());
        assertEquals(3, labels.numLabels());
        Column.FloatLists hot = (Column.FloatLists) targets(train, labels);
        assertArrayEquals(new float[] {0, 1, 1}, hot.values()[0], "HF's multi_labels_to_ids: multi-hot floats");
        assertArrayEquals(new float[] {0, 0, 1}, hot.values()[1]);
        assertArrayEquals(new float[] {0, 0, 0}, hot.values()[2]);
    }

    @Test
    void csvWithLabelDelimiterIsMultiLabelAndWithoutItSingleLabel() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("csv"));
        Files.writeString(dir.resolve("train.csv"), "text,label\n\"goal and song\",\"sports|music\"\n\"the match\",sports\n\"a pizza\",\" food \"\n");
        Dataset multi = Datasets.load(dir, LoadDatasetOptions.builder().labelDelimiter("|").build()).get("train");
        assertEquals(new Feature.Sequence(ClassLabel.of("food", "music", "sports")), multi.features().get(LABEL));
        assertArrayEquals(new int[] {2, 1}, multi.intLists(LABEL)[0]);
        assertArrayEquals(new int[] {0}, multi.intLists(LABEL)[2], "names are stripped");

        Dataset single = Datasets.load(dir, LoadDatasetOptions.defaults()).get("train");
        assertEquals("single_label_classification", ClassificationData.labels(single, LABEL, null).problemType());
        assertTrue(single.features().classLabel(LABEL).names().contains("sports|music"), "without a delimiter a label is one name");
    }

    @Test
    void parquetListsAndFloatsAndTheirRoundTrips() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("pq"));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("COPY (SELECT 'text ' || i AS text, CASE WHEN i % 2 = 0 THEN ['x', 'y'] ELSE ['y'] END AS label "
                    + "FROM range(6) t(i) ORDER BY i) TO '" + dir.resolve("train.parquet") + "' (FORMAT parquet)");
            st.execute("COPY (SELECT 'text ' || i AS text, CAST(i AS DOUBLE) / 4 AS label FROM range(8) t(i) ORDER BY i) TO '"
                    + tmp.resolve("reg.parquet") + "' (FORMAT parquet)");
        }
        Dataset multi = Datasets.load(dir, LoadDatasetOptions.defaults()).get("train");
        assertEquals(new Feature.Sequence(ClassLabel.of("x", "y")), multi.features().get(LABEL));
        assertArrayEquals(new int[] {0, 1}, multi.intLists(LABEL)[0]);

        Dataset reg = Datasets.load(tmp.resolve("reg.parquet"), LoadDatasetOptions.defaults()).get("train");
        assertTrue(reg.column(LABEL) instanceof Column.Floats, "a float label column is regression, as HF infers it");
        assertEquals(0.75f, reg.floats(LABEL)[3]);
        ClassificationData.Labels labels = ClassificationData.labels(reg, LABEL, null);
        assertEquals("regression", labels.problemType());
        assertEquals(1, labels.numLabels());
        assertNull(labels.names());

        // the map cache file and parquet keep Sequence(ClassLabel) and multi-hot vectors
        Dataset withHot = new Dataset(Map.of("text", multi.column("text"), LABEL, multi.column(LABEL),
                "hot", targets(multi, ClassificationData.labels(multi, LABEL, null))), multi.features());
        Path file = tmp.resolve("cols.bin");
        ColumnFile.write(withHot, file);
        Dataset back = ColumnFile.read(file);
        assertEquals(withHot.features(), back.features());
        assertArrayEquals(((Column.FloatLists) withHot.column("hot")).values()[0], ((Column.FloatLists) back.column("hot")).values()[0]);
        assertEquals(withHot.fingerprint(), back.fingerprint());
        DuckDbFiles.writeParquet(withHot, tmp.resolve("rt/train.parquet"));
        Dataset fromParquet = Datasets.load(tmp.resolve("rt"), LoadDatasetOptions.defaults()).get("train");
        assertEquals(new Feature.Sequence(ClassLabel.of("x", "y")), fromParquet.features().get(LABEL));
        assertArrayEquals(new float[] {1, 1}, ((Column.FloatLists) fromParquet.column("hot")).values()[0]);
    }

    @Test
    void integerLabelsBecomeFloatsForRegressionAsHfCastsThem() {
        Dataset ds = new Dataset(Map.of("text", new Column.Strings(new String[] {"a", "b"}), LABEL, new Column.Ints(new int[] {3, 5})),
                new Features(Map.of(LABEL, ClassLabel.of("0", "1", "2", "3", "4", "5"))));
        ClassificationData.Labels labels = ClassificationData.labels(ds, LABEL, "regression");
        assertEquals(1, labels.numLabels());
        assertArrayEquals(new float[] {3f, 5f}, ((Column.Floats) targets(ds, labels)).values());
    }

    @Test
    void mismatchesAreOneLineErrors() throws Exception {
        Dataset floats = new Dataset(Map.of(LABEL, new Column.Floats(new float[] {0.5f})));
        Dataset lists = new Dataset(Map.of(LABEL, new Column.IntLists(new int[][] {{0, 1}})),
                new Features(Map.of(LABEL, new Feature.Sequence(ClassLabel.of("a", "b")))));
        Dataset ints = new Dataset(Map.of(LABEL, new Column.Ints(new int[] {1})), new Features(Map.of(LABEL, ClassLabel.of("a", "b"))));
        assertError("holds floats (regression) but problem_type is single_label_classification",
                () -> ClassificationData.labels(floats, LABEL, "single_label_classification"));
        assertError("holds lists of labels (multi-label) but problem_type is regression", () -> ClassificationData.labels(lists, LABEL, "regression"));
        assertError("holds one class per row but problem_type is multi_label_classification",
                () -> ClassificationData.labels(ints, LABEL, "multi_label_classification"));
        assertError("problem_type 'multilabel' is unknown", () -> ClassificationData.labels(ints, LABEL, "multilabel"));
        ClassificationData.Labels single = ClassificationData.labels(ints, LABEL, null);
        assertError("holds floats (regression) but the model is single-label", () -> targets(floats, single));
        assertError("holds one class per row but the model is multi-label",
                () -> targets(ints, ClassificationData.labels(lists, LABEL, null)));

        Path dir = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(dir.resolve("train.jsonl"), "{\"text\": \"a\", \"label\": [\"x\"]}\n{\"text\": \"b\", \"label\": [\"z\"]}\n");
        BadInputException e = assertThrows(BadInputException.class,
                () -> Datasets.load(dir, LoadDatasetOptions.builder().labelNames("x", "y").build()));
        assertTrue(e.getMessage().contains("row 2") && e.getMessage().contains("label 'z' is not a class"), e.getMessage());
    }

    /** The label conversion encode() applies after tokenizing. */
    private static Column targets(Dataset ds, ClassificationData.Labels labels) {
        return ClassificationData.targets(ds.column(LABEL), labels, LABEL);
    }

    private static void assertError(String part, org.junit.jupiter.api.function.Executable call) {
        BadInputException e = assertThrows(BadInputException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
