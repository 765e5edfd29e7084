package io.finetune4j.data;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.BadInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadingTest {
    @TempDir
    Path tmp;

    /** Writes a HF-shaped parquet shard with DuckDB: n rows, labels alternating, HF features in the footer. */
    static void hfParquet(Path file, int n, String firstText) throws Exception {
        Files.createDirectories(file.getParent());
        String meta = "{\"info\": {\"features\": {\"text\": {\"dtype\": \"string\", \"_type\": \"Value\"}, "
                + "\"label\": {\"names\": [\"neg\", \"pos\"], \"_type\": \"ClassLabel\"}}}}";
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("COPY (SELECT CASE WHEN i = 0 THEN '" + firstText + "' ELSE 'text ' || i END AS text, "
                    + "CAST(i % 2 AS BIGINT) AS label FROM range(" + n + ") t(i) ORDER BY i) TO '" + file
                    + "' (FORMAT parquet, KV_METADATA {huggingface: '" + meta + "'})");
        }
    }

    @Test
    void hfParquetFolderWithClassLabelsFromMetadata() throws Exception {
        hfParquet(tmp.resolve("imdb/plain_text/train-00000-of-00001.parquet"), 100, "I rented I AM CURIOUS-YELLOW");
        hfParquet(tmp.resolve("imdb/plain_text/test-00000-of-00001.parquet"), 40, "I love sci-fi");
        hfParquet(tmp.resolve("imdb/plain_text/unsupervised-00000-of-00001.parquet"), 10, "unlabelled");
        DatasetDict dict = Datasets.load(tmp.resolve("imdb").toString());
        assertEquals(List.of("train", "test", "unsupervised"), dict.splitNames());
        Dataset train = dict.get("train");
        assertEquals(100, train.numRows());
        assertEquals("I rented I AM CURIOUS-YELLOW", train.row(0).get("text"));
        assertEquals(ClassLabel.of("neg", "pos"), train.features().get("label"));
        assertEquals(50, Arrays.stream(train.ints("label")).sum());
    }

    @Test
    void dataFolderShardsAreJoinedInOrder() throws Exception {
        hfParquet(tmp.resolve("d/data/train-00000-of-00002.parquet"), 30, "first");
        hfParquet(tmp.resolve("d/data/train-00001-of-00002.parquet"), 20, "second");
        Dataset train = Datasets.load(tmp.resolve("d"), LoadDatasetOptions.defaults()).get("train");
        assertEquals(50, train.numRows());
        assertEquals("second", train.row(30).get("text"));
    }

    @Test
    void splitSlicingLikeHf() throws Exception {
        hfParquet(tmp.resolve("s/train-00000-of-00001.parquet"), 1000, "zero");
        hfParquet(tmp.resolve("s/test-00000-of-00001.parquet"), 3000, "zero");
        String dir = tmp.resolve("s").toString();
        assertEquals(100, Datasets.loadSplit(dir, "train[:10%]").numRows());
        Dataset mid = Datasets.loadSplit(dir, "test[100:2100]");
        assertEquals(2000, mid.numRows());
        assertEquals("text 100", mid.row(0).get("text"));
        Dataset tail = Datasets.loadSplit(dir, "train[-500:]");
        assertEquals(500, tail.numRows());
        assertEquals("text 500", tail.row(0).get("text"));
        DatasetDict one = Datasets.load(dir, LoadDatasetOptions.builder().split("train[10%:20%]").build());
        assertEquals(List.of("train"), one.splitNames());
        assertEquals("text 100", one.get("train").row(0).get("text"));
        BadInputException e = assertThrows(BadInputException.class, () -> Datasets.loadSplit(dir, "validation"));
        assertTrue(e.getMessage().contains("'validation'") && e.getMessage().contains("train, test"), e.getMessage());
        assertThrows(BadInputException.class, () -> Datasets.loadSplit(dir, "train[a:b]"));
    }

    @Test
    void csvTsvAndJsonlWithStringLabels() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("csv"));
        Files.writeString(dir.resolve("train.csv"), "text,label\n\"great, really\",pos\nawful,neg\nfine,pos\n");
        Files.writeString(dir.resolve("test.tsv"), "text\tlabel\nbad\tneg\ngood\tpos\n");
        Files.writeString(dir.resolve("validation.jsonl"), "{\"text\": \"ok\", \"label\": \"pos\"}\n{\"text\": \"meh\", \"label\": \"neg\"}\n");
        DatasetDict dict = Datasets.load(dir.toString());
        assertEquals(List.of("train", "validation", "test"), dict.splitNames());
        Dataset train = dict.get("train");
        assertEquals("great, really", train.row(0).get("text"));
        assertArrayEquals(new int[] {1, 0, 1}, train.ints("label"));
        assertEquals(ClassLabel.of("neg", "pos"), train.features().get("label"));
        assertArrayEquals(new int[] {1, 0}, dict.get("validation").ints("label"));

        Path json = dir.resolve("other.json");
        Files.writeString(json, "[{\"review\": \"x\", \"stars\": 2}, {\"review\": \"y\", \"stars\": 0}]");
        DatasetDict custom = Datasets.load(dir, LoadDatasetOptions.builder().dataFiles("train", Path.of("other.json"))
                .textColumn("review").labelColumn("stars").labelNames("bad", "ok", "good").build());
        assertArrayEquals(new int[] {2, 0}, custom.get("train").ints("stars"));
        assertEquals("good", custom.get("train").features().classLabel("stars").int2str(2));
    }

    @Test
    void badRowsAreReportedWithFileAndRowOrSkippedAndCounted() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        Path file = dir.resolve("train.jsonl");
        Files.writeString(file, "{\"text\": \"ok\", \"label\": 1}\n{\"text\": null, \"label\": 0}\n{\"text\": \"x\", \"label\": 5}\n{\"text\": \"y\", \"label\": 0}\n");
        LoadDatasetOptions strict = LoadDatasetOptions.builder().labelNames("neg", "pos").build();
        BadInputException e = assertThrows(BadInputException.class, () -> Datasets.load(dir, strict));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("row 2") && e.getMessage().contains("missing text"), e.getMessage());

        Files.writeString(file, "{\"text\": \"ok\", \"label\": 1}\n{\"text\": \"x\", \"label\": 5}\n");
        e = assertThrows(BadInputException.class, () -> Datasets.load(dir, strict));
        assertTrue(e.getMessage().contains("row 2") && e.getMessage().contains("label 5"), e.getMessage());

        Files.writeString(file, "{\"text\": \"ok\", \"label\": 1}\n{\"text\": \"\", \"label\": 0}\n{\"text\": \"x\", \"label\": 5}\n{\"text\": \"y\", \"label\": 0}\n");
        DatasetDict skipped = Datasets.load(dir, LoadDatasetOptions.builder().labelNames("neg", "pos").onBadRows(LoadDatasetOptions.BadRows.SKIP).build());
        assertEquals(2, skipped.get("train").numRows());
        assertEquals(2, skipped.skippedRows().get("train"));
        assertEquals(2, skipped.totalSkippedRows());
    }

    @Test
    void invalidUtf8InCsvIsAnErrorNamingTheFileOrSkipped() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("utf"));
        Path file = dir.resolve("train.csv");
        byte[] bad = "text,label\ngood one,pos\nbroken \u00ff here,neg\nanother,neg\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(file, bad);
        BadInputException e = assertThrows(BadInputException.class, () -> Datasets.load(dir.toString()));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        DatasetDict skipped = Datasets.load(dir, LoadDatasetOptions.builder().onBadRows(LoadDatasetOptions.BadRows.SKIP).build());
        assertEquals(2, skipped.get("train").numRows());
        assertEquals(1, skipped.totalSkippedRows());
    }

    @Test
    void aclImdbFolder() throws Exception {
        Path root = tmp.resolve("aclImdb");
        write(root.resolve("train/pos/0_9.txt"), "Bromwell High is a cartoon comedy.");
        write(root.resolve("train/pos/10_8.txt"), "Later positive.");
        write(root.resolve("train/pos/2_7.txt"), "Second positive.");
        write(root.resolve("train/neg/0_3.txt"), "Story of a man who has unnatural feelings for a pig.");
        write(root.resolve("test/neg/0_2.txt"), "Once again Mr. Costner has dragged out a movie.");
        write(root.resolve("test/pos/0_10.txt"), "I went and saw this movie last night.");
        DatasetDict dict = Datasets.load(root.toString());
        assertEquals(List.of("train", "test"), dict.splitNames());
        Dataset train = dict.get("train");
        assertEquals(4, train.numRows());
        assertEquals("Story of a man who has unnatural feelings for a pig.", train.row(0).get("text"));
        assertEquals(0, train.row(0).get("label"));
        assertEquals("Second positive.", train.row(2).get("text"), "files in review id order (0, 2, 10)");
        assertEquals("pos", train.features().classLabel("label").int2str((int) train.row(3).get("label")));

        Files.write(root.resolve("test/neg/1_1.txt"), new byte[] {'b', 'a', (byte) 0xC3, 'd'});
        BadInputException e = assertThrows(BadInputException.class, () -> Datasets.load(root.toString()));
        assertTrue(e.getMessage().contains("1_1.txt") && e.getMessage().contains("UTF-8"), e.getMessage());
        DatasetDict skipped = Datasets.load(root, LoadDatasetOptions.builder().onBadRows(LoadDatasetOptions.BadRows.SKIP).build());
        assertEquals(1, skipped.skippedRows().get("test"));
        assertEquals(2, skipped.get("test").numRows());
    }

    @Test
    void missingPathAndCorruptParquetAreClearErrors() throws Exception {
        Path missing = tmp.resolve("no/such/folder");
        BadInputException e = assertThrows(BadInputException.class, () -> Datasets.load(missing.toString()));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());

        Path shard = tmp.resolve("c/train-00000-of-00001.parquet");
        hfParquet(shard, 50, "x");
        byte[] bytes = Files.readAllBytes(shard);
        Files.write(shard, Arrays.copyOf(bytes, bytes.length / 2));
        e = assertThrows(BadInputException.class, () -> Datasets.load(tmp.resolve("c").toString()));
        assertTrue(e.getMessage().contains(shard.toString()), e.getMessage());

        Files.createDirectories(tmp.resolve("empty"));
        e = assertThrows(BadInputException.class, () -> Datasets.load(tmp.resolve("empty").toString()));
        assertTrue(e.getMessage().contains("no data files"), e.getMessage());
    }

    @Test
    void parquetWriteReadRoundTripKeepsClassLabelsAndTokenColumns() {
        Dataset d = DatasetTest.reviews(300).map(new DatasetTest.WordLengths(null), MapOptions.builder().progress(false).build());
        Path file = tmp.resolve("rt/train.parquet");
        DuckDbFiles.writeParquet(d, file);
        Dataset back = Datasets.load(tmp.resolve("rt"), LoadDatasetOptions.defaults()).get("train");
        assertEquals(d.columnNames(), back.columnNames());
        assertEquals(ClassLabel.of("neg", "pos"), back.features().get("label"));
        assertArrayEquals(d.intLists("input_ids")[7], back.intLists("input_ids")[7]);
        assertArrayEquals(d.strings("text"), back.strings("text"));
    }

    @Test
    void imdbFromACachedCopyNeedsNoNetwork() {
        io.finetune4j.io.Cache cache = new io.finetune4j.io.Cache(tmp.resolve("home"));
        // What a fetch leaves behind, made from small splits.
        DuckDbFiles.writeParquet(DatasetTest.reviews(40), cache.dataset("imdb").resolve("train.parquet"));
        DuckDbFiles.writeParquet(DatasetTest.reviews(20), cache.dataset("imdb").resolve("test.parquet"));
        assertTrue(Datasets.isCached("imdb", cache));
        DatasetDict dict = Datasets.load("imdb", LoadDatasetOptions.builder().cache(cache).build());
        assertEquals(List.of("train", "test"), dict.splitNames());
        assertEquals(40, dict.get("train").numRows());
        assertEquals(ClassLabel.of("neg", "pos"), dict.get("test").features().get("label"));
        assertEquals(10, Datasets.load("imdb", LoadDatasetOptions.builder().cache(cache).split("train[:25%]").build()).get("train").numRows());
        assertTrue(Datasets.fetch("imdb", cache).alreadyCached());
    }

    @Test
    void imdbSplitFollowsTheFolderOrder() throws Exception {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < ImdbSource.ROWS; i++) {
            if (i > 0) json.append(',');
            json.append("{\"t\":\"r").append(i).append("\",\"s\":").append(i >= 25000 ? 1 : 0).append('}');
        }
        Path file = tmp.resolve("reviews.json");
        Files.writeString(file, json.append(']').toString());
        var splits = ImdbSource.split(file);
        Dataset train = splits.get("train");
        Dataset test = splits.get("test");
        assertEquals(25000, train.numRows());
        assertEquals("r12500", train.row(0).get("text"));
        assertEquals("r37500", train.row(12500).get("text"));
        assertEquals("r0", test.row(0).get("text"));
        assertEquals("r25000", test.row(12500).get("text"));
        assertEquals(12500, Arrays.stream(train.ints("label")).sum());
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
