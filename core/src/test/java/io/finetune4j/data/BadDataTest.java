package io.finetune4j.data;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.BadInputException;
import io.finetune4j.tasks.ClassificationData;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and malformed data files, written by the test and read by the real loader: each either loads as HF would
 * load it or stops with one line naming the file, the line or row, and what to do. None may take the JVM down.
 */
class BadDataTest {
    @TempDir
    Path tmp;

    private static final List<String> GOOD = List.of(
            "{\"text\": \"I love this movie\", \"label\": \"pos\"}",
            "{\"text\": \"I hate this movie\", \"label\": \"neg\"}",
            "{\"text\": \"great film\", \"label\": \"pos\"}",
            "{\"text\": \"awful film\", \"label\": \"neg\"}");

    private Path jsonl(String... lines) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("d" + System.nanoTime()));
        Files.writeString(dir.resolve("train.jsonl"), String.join("\n", lines) + "\n");
        return dir;
    }

    private Path csv(String text) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("c" + System.nanoTime()));
        Files.writeString(dir.resolve("train.csv"), text);
        return dir;
    }

    /** The load fails with one line that holds every part. */
    private static String fails(Path dir, LoadDatasetOptions options, String... parts) {
        BadInputException e = assertThrows(BadInputException.class, () -> Datasets.load(dir, options));
        String m = e.getMessage();
        for (String part : parts) assertTrue(m.contains(part), "'" + part + "' in: " + m);
        assertFalse(m.contains("\n"), "one line: " + m);
        assertFalse(m.contains("Source: REDACTED") || m.contains("Statement was closed") || m.contains("Exception"), m);
        return m;
    }

    private static String fails(Path dir, String... parts) {
        return fails(dir, LoadDatasetOptions.defaults(), parts);
    }

    @Test
    void deeplyNestedJsonIsRefusedInJavaBeforeAnyNativeReader() throws Exception {
        String deep = "[".repeat(100_000) + "\"x\"" + "]".repeat(100_000);
        Path dir = jsonl(GOOD.get(0), GOOD.get(1), "{\"text\": " + deep + ", \"label\": \"pos\"}", GOOD.get(2));
        fails(dir, "train.jsonl line 3", "nested more than " + JsonRows.MAX_DEPTH + " levels");
        Path label = jsonl(GOOD.get(0), "{\"text\": \"x\", \"label\": " + deep + "}");
        fails(label, "line 2", "nested more than");
    }

    @Test
    void brokenJsonNamesTheLineWithoutJacksonNoise() throws Exception {
        fails(jsonl(GOOD.get(0), GOOD.get(1), "{\"text\": \"oops\", \"label\": ", GOOD.get(2), GOOD.get(3)),
                "train.jsonl line 3: not valid JSON", "JSON Lines");
        fails(jsonl("this is not json", "neither is this"), "line 1: not valid JSON");
        fails(jsonl(GOOD.get(0), GOOD.get(1), "[\"a\", \"pos\"]", GOOD.get(2)), "row 3 (line 3) is a JSON array, not an object");

        Path garbage = Files.createDirectories(tmp.resolve("garbage"));
        Files.write(garbage.resolve("train.jsonl"), new Random(3).ints(65536, 0, 256).collect(java.io.ByteArrayOutputStream::new,
                (o, b) -> o.write(b), (a, b) -> a.write(b.toByteArray(), 0, b.size())).toByteArray());
        fails(garbage, "train.jsonl line", "not valid JSON");

        Path utf = Files.createDirectories(tmp.resolve("utf"));
        byte[] bad = (GOOD.get(0) + "\n{\"text\": \"bad \u00ff bytes\", \"label\": \"pos\"}\n").getBytes(StandardCharsets.ISO_8859_1);
        Files.write(utf.resolve("train.jsonl"), bad);
        fails(utf, "line 2", "UTF-8");
    }

    @Test
    void emptyFilesHoldNoRows() throws Exception {
        fails(jsonl(""), "holds no rows");
        fails(jsonl("", "", ""), "holds no rows");
        fails(csv("text,label\n"), "train.csv holds no rows (only a header)");
        fails(csv(""), "train.csv is empty");
    }

    @Test
    void textsMustBeStrings() throws Exception {
        fails(jsonl(GOOD.get(0), GOOD.get(1), "{\"text\": [\"x\"], \"label\": \"pos\"}"),
                "row 3: the value [x] in text column 'text' is a list, not a string");
        fails(jsonl("{\"text\": 0, \"label\": \"pos\"}", "{\"text\": 1, \"label\": \"neg\"}"), "row 1: the value 0", "is a number");
        fails(jsonl(GOOD.get(0), "{\"text\": {\"a\": 1}, \"label\": \"pos\"}"), "row 2", "a JSON object or nested list");
        DatasetDict skipped = Datasets.load(jsonl(GOOD.get(0), "{\"text\": [\"x\"], \"label\": \"pos\"}", GOOD.get(1)),
                LoadDatasetOptions.builder().onBadRows(LoadDatasetOptions.BadRows.SKIP).build());
        assertEquals(2, skipped.get("train").numRows());
        assertEquals(1, skipped.totalSkippedRows());
    }

    @Test
    void labelColumnsHoldOneTypeNamedByRow() throws Exception {
        String hint = "give every row of column 'label' one type";
        fails(jsonl(GOOD.get(0), "{\"text\": \"b\", \"label\": 1}"), "train.jsonl row 2: label 1 is a class id", "row 1 holds a class name ('pos')", hint);
        fails(jsonl(GOOD.get(0), "{\"text\": \"b\", \"label\": [\"neg\"]}"), "row 2: label [neg] is a list of labels", hint);
        fails(jsonl(GOOD.get(0), "{\"text\": \"b\", \"label\": 0.5}"), "row 2: label 0.5 is a float", hint);
        fails(jsonl("{\"text\": \"a\", \"label\": [1]}", "{\"text\": \"b\", \"label\": 1}"), "row 2: label 1 is a class id", "a list of labels");
        fails(jsonl(GOOD.get(0), "{\"text\": \"b\", \"label\": null}"), "row 2: missing label");

        // across files: the first row of the other type is named with its file
        Path dir = jsonl(GOOD.get(0));
        Files.writeString(dir.resolve("test.jsonl"), "{\"text\": \"b\", \"label\": 1}\n");
        fails(dir, "test.jsonl row 1: label 1 is a class id", "train.jsonl row 1 holds a class name");

        // ints and floats together are numbers: regression, as pyarrow reads them (double)
        Dataset reg = Datasets.load(jsonl("{\"text\": \"a\", \"label\": 1}", "{\"text\": \"b\", \"label\": 0.5}"), LoadDatasetOptions.defaults()).get("train");
        assertArrayEquals(new float[] {1f, 0.5f}, reg.floats("label"));
    }

    @Test
    void intLabelsAreClassIdsNamedByTheirValue() throws Exception {
        Dataset binary = Datasets.load(jsonl("{\"text\": \"a\", \"label\": 1}", "{\"text\": \"b\", \"label\": 0}"), LoadDatasetOptions.defaults()).get("train");
        assertEquals(ClassLabel.of("0", "1"), binary.features().get("label"));
        assertArrayEquals(new int[] {1, 0}, binary.ints("label"));
        ClassificationData.Labels labels = ClassificationData.labels(binary, "label", null);
        assertEquals(List.of("0", "1"), labels.names());

        // an id stays its class ("0".."max", as multi-label ids); -1 stays "no label"; other negatives and huge ids stop
        Dataset sparse = Datasets.load(jsonl("{\"text\": \"a\", \"label\": 3}", "{\"text\": \"b\", \"label\": 1}",
                "{\"text\": \"d\", \"label\": -1}"), LoadDatasetOptions.defaults()).get("train");
        assertEquals(ClassLabel.of("0", "1", "2", "3"), sparse.features().get("label"));
        assertArrayEquals(new int[] {3, 1, -1}, sparse.ints("label"));
        fails(jsonl("{\"text\": \"a\", \"label\": 1}", "{\"text\": \"b\", \"label\": -3}"), "row 2: label -3 is not a class of");
        fails(jsonl("{\"text\": \"a\", \"label\": 1}", "{\"text\": \"b\", \"label\": 2024}", "{\"text\": \"c\", \"label\": 123456}"),
                "holds class ids up to 123456", "class names, or label_names");

        Dataset fromCsv = Datasets.load(csv("text,label\na,0\nb,1\nc,1\n"), LoadDatasetOptions.defaults()).get("train");
        assertEquals(ClassLabel.of("0", "1"), fromCsv.features().get("label"));
        assertArrayEquals(new int[] {0, 1, 1}, fromCsv.ints("label"));

        // given names (or HF's metadata) make ints ids, as before
        Dataset named = Datasets.load(jsonl("{\"text\": \"a\", \"label\": 1}"), LoadDatasetOptions.builder().labelNames("neg", "pos").build()).get("train");
        assertArrayEquals(new int[] {1}, named.ints("label"));
        Path pq = tmp.resolve("pq/train.parquet");
        Files.createDirectories(pq.getParent());
        String meta = "{\"info\": {\"features\": {\"text\": {\"dtype\": \"string\", \"_type\": \"Value\"}, "
                + "\"label\": {\"names\": [\"1\", \"2\", \"3\"], \"_type\": \"ClassLabel\"}}}}";
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("COPY (SELECT 'text ' || i AS text, CAST(i % 3 AS BIGINT) AS label FROM range(6) t(i) ORDER BY i) TO '" + pq
                    + "' (FORMAT parquet, KV_METADATA {huggingface: '" + meta + "'})");
        }
        Dataset stars = Datasets.load(pq.getParent(), LoadDatasetOptions.defaults()).get("train");
        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2}, stars.ints("label"), "metadata names \"1\"..\"3\" do not remap ids");
    }

    @Test
    void jsonShapesHfReadsStillLoad() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("shapes"));
        Files.writeString(dir.resolve("train.json"), "[{\"text\": \"a\", \"label\": \"pos\"},\n {\"text\": \"b\", \"label\": \"neg\", \"id\": 7}]");
        Files.writeString(dir.resolve("test.jsonl"), "{\n  \"text\": \"pretty\",\n  \"label\": \"pos\"\n}\n\n{\"text\": \"c\", \"label\": \"neg\", "
                + "\"extra\": \"x\"}\n{\"text\": \"d\", \"label\": \"neg\", \"extra\": 3}\n");
        DatasetDict dict = Datasets.load(dir, LoadDatasetOptions.defaults());
        Dataset train = dict.get("train");
        assertEquals(List.of("text", "label", "id"), train.columnNames());
        assertArrayEquals(new int[] {1, 0}, train.ints("label"));
        assertArrayEquals(new int[] {0, 7}, train.ints("id"), "a missing key is null, as pyarrow fills it (0 in an int column)");
        Dataset test = dict.get("test");
        assertEquals("pretty", test.row(0).get("text"));
        assertArrayEquals(new String[] {null, "x", "3"}, test.strings("extra"), "a column of mixed types other than text/label stays text");

        String big = "good movie ".repeat(950_000);
        Dataset large = Datasets.load(jsonl("{\"text\": \"" + big + "\", \"label\": \"pos\"}", GOOD.get(1)), LoadDatasetOptions.defaults()).get("train");
        assertEquals(big, large.strings("text")[0]);
    }

    @Test
    void csvIsReadAsPandasReadsItWithRaggedRowsAndOpenQuotesNamedByLine() throws Exception {
        String ok = "text,label\nI love this movie,pos\nI hate this movie,neg\ngreat film,pos\nawful film,neg\n";
        fails(csv(ok + "extra,pos,surplus,fields\nsuperb,pos\n"), "train.csv line 6 has more fields than the header's 2 columns");
        fails(csv(ok + "lonely text\nsuperb,pos\n"), "train.csv line 6 has fewer fields than the header's 2 columns");
        fails(csv(ok + "\"unclosed text,pos\nsuperb,pos\n"), "train.csv line 6 has a quote that is never closed");
        DatasetDict skipped = Datasets.load(csv(ok + "extra,pos,surplus,fields\nlonely\nsuperb,pos\n"),
                LoadDatasetOptions.builder().onBadRows(LoadDatasetOptions.BadRows.SKIP).build());
        assertEquals(5, skipped.get("train").numRows());
        assertEquals(2, skipped.totalSkippedRows());

        Dataset dup = Datasets.load(csv("text,text,label\na,b,pos\nc,d,neg\n"), LoadDatasetOptions.defaults()).get("train");
        assertEquals(List.of("text", "text.1", "label"), dup.columnNames(), "pandas' names for a repeated column");
        assertArrayEquals(new String[] {"b", "d"}, dup.strings("text.1"));

        Dataset quoted = Datasets.load(csv("\uFEFF\"text\",\"label\"\r\n\"a, with \"\"quotes\"\"\nand a line\",pos\r\n7,neg\r\n"),
                LoadDatasetOptions.defaults()).get("train");
        assertEquals("a, with \"quotes\"\nand a line", quoted.strings("text")[0]);
        assertEquals("7", quoted.strings("text")[1], "a text column with a number in it stays text");

        Path tsv = Files.createDirectories(tmp.resolve("tsv"));
        Files.writeString(tsv.resolve("train.tsv"), "text\tlabel\tscore\na, b\tpos\t0.5\nc\tneg\t2\n");
        Dataset t = Datasets.load(tsv, LoadDatasetOptions.defaults()).get("train");
        assertArrayEquals(new String[] {"a, b", "c"}, t.strings("text"));
        assertArrayEquals(new float[] {0.5f, 2f}, t.floats("score"));
        fails(csv("text,\"label\n"), "the header has a quote that is never closed");
        fails(csv("text;label\na;pos\n"), "its columns are [text;label]", ".csv files are split on ','");
        Dataset spaced = Datasets.load(csv("text,label,score\na, 1, 2.5\nb,0 ,-1\n"), LoadDatasetOptions.defaults()).get("train");
        assertArrayEquals(new int[] {1, 0}, spaced.ints("label"), "numbers with spaces around are numbers, as pandas reads them");
        assertArrayEquals(new float[] {2.5f, -1f}, spaced.floats("score"));
    }

    @Test
    void brokenParquetSaysWhatIsWrong() throws Exception {
        Path src = tmp.resolve("src/train.parquet");
        LoadingTest.hfParquet(src, 3000, "x");
        long size = Files.size(src);
        for (String how : List.of("truncated", "garbage", "footer", "text")) {
            Path dir = Files.createDirectories(tmp.resolve(how));
            Path f = dir.resolve("train.parquet");
            Files.copy(src, f);
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                switch (how) {
                    case "truncated" -> raf.setLength(size / 2);
                    case "garbage" -> {
                        byte[] noise = new byte[(int) size / 3];
                        new Random(4).nextBytes(noise);
                        raf.seek(size / 3);
                        raf.write(noise);
                    }
                    case "footer" -> {
                        raf.seek(size - 8);
                        raf.write(new byte[] {(byte) 0xf0, (byte) 0xff, (byte) 0xff, 0x7f});
                    }
                    default -> {
                        raf.setLength(0);
                        raf.write((GOOD.get(0) + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            String m = fails(dir, "cannot read " + f);
            assertFalse(m.contains("Invalid Input Error"), m);
        }
    }

    @Test
    void missingSplitsAndPathsStayClear() throws Exception {
        Path dir = jsonl(GOOD.toArray(String[]::new));
        fails(dir, LoadDatasetOptions.builder().split("validation").build(), "unknown split 'validation'", "available splits: train");
        fails(tmp.resolve("no-such-folder"), "no such file or folder");
        assertEquals(4, Arrays.stream(Datasets.load(dir, LoadDatasetOptions.defaults()).get("train").ints("label")).count());
    }

    @Test
    void aLengthColumnForGroupByLengthIsNonNegativeIntegersOrStopsNamingTheColumn() throws Exception {
        Dataset good = Datasets.load(jsonl("{\"text\": \"a b c\", \"label\": 1, \"length\": 7}",
                "{\"text\": \"a\", \"label\": 0, \"length\": 2}"), LoadDatasetOptions.defaults()).get("train");
        assertArrayEquals(new int[] {7, 2}, ClassificationData.lengthColumn(good, "length"));
        assertNull(ClassificationData.lengthColumn(good, "n_tokens")); // no such column: the token counts group the rows
        for (String bad : List.of("2.5", "\"long\"")) { // (the loader reads a null in an int column as 0)
            Dataset ds = Datasets.load(jsonl("{\"text\": \"a\", \"label\": 1, \"length\": 3}",
                    "{\"text\": \"b\", \"label\": 0, \"length\": " + bad + "}"), LoadDatasetOptions.defaults()).get("train");
            BadInputException e = assertThrows(BadInputException.class, () -> ClassificationData.lengthColumn(ds, "length"), bad);
            assertTrue(e.getMessage().contains("'length'") && !e.getMessage().contains("\n"), e.getMessage());
        }
        Dataset negative = Datasets.load(jsonl("{\"text\": \"a\", \"label\": 1, \"length\": 3}",
                "{\"text\": \"b\", \"label\": 0, \"length\": -1}"), LoadDatasetOptions.defaults()).get("train");
        BadInputException e = assertThrows(BadInputException.class, () -> ClassificationData.lengthColumn(negative, "length"));
        assertTrue(e.getMessage().contains("row 1") && e.getMessage().contains("'length'"), e.getMessage());
    }
}
