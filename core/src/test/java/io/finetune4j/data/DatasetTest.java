package io.finetune4j.data;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.BadInputException;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {
    @TempDir
    Path tmp;

    static Dataset reviews(int n) {
        String[] texts = new String[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            texts[i] = "review number " + i + (i % 2 == 0 ? " good" : " bad");
            labels[i] = i % 4 == 0 ? 1 : 0; // 1 in 4 positive: an imbalanced set to test stratification
        }
        Map<String, Column> cols = new LinkedHashMap<>();
        cols.put("text", new Column.Strings(texts));
        cols.put("label", new Column.Ints(labels));
        return new Dataset(cols, new Features(Map.of("label", ClassLabel.of("neg", "pos"))));
    }

    /** A toy "tokenizer": word lengths, padded to 4, with a call counter and a fingerprint. */
    static final class WordLengths implements BatchFunction {
        final AtomicInteger calls = new AtomicInteger();
        final String print;

        WordLengths(String print) {
            this.print = print;
        }

        public Map<String, Column> apply(Map<String, Column> batch) {
            calls.incrementAndGet();
            String[] texts = ((Column.Strings) batch.get("text")).values();
            int[][] ids = new int[texts.length][];
            int[][] mask = new int[texts.length][];
            for (int i = 0; i < texts.length; i++) {
                String[] words = texts[i].split(" ");
                ids[i] = new int[4];
                mask[i] = new int[4];
                for (int k = 0; k < Math.min(4, words.length); k++) {
                    ids[i][k] = words[k].length();
                    mask[i][k] = 1;
                }
            }
            Map<String, Column> out = new LinkedHashMap<>();
            out.put("input_ids", new Column.IntLists(ids));
            out.put("attention_mask", new Column.IntLists(mask));
            return out;
        }

        public String fingerprint() {
            return print;
        }
    }

    @Test
    void printsLikeHuggingFace() {
        Map<String, Dataset> splits = new LinkedHashMap<>();
        splits.put("train", reviews(25000));
        splits.put("test", reviews(25000));
        DatasetDict dict = new DatasetDict(splits);
        assertEquals("DatasetDict({\n"
                + "    train: Dataset({\n"
                + "        features: ['text', 'label'],\n"
                + "        num_rows: 25000\n"
                + "    })\n"
                + "    test: Dataset({\n"
                + "        features: ['text', 'label'],\n"
                + "        num_rows: 25000\n"
                + "    })\n"
                + "})", dict.toString());
        assertEquals("Dataset({\n    features: ['text', 'label'],\n    num_rows: 25000\n})", dict.get("train").toString());
        assertEquals("{'text': Value('string'), 'label': ClassLabel(names=['neg', 'pos'])}", dict.get("train").features().toString());
        assertEquals("{'text': 'review number 1 bad', 'label': 0}", dict.get("train").formatRow(1, 0));
    }

    @Test
    void rowsColumnsAndFeatures() {
        Dataset d = reviews(10);
        assertEquals(10, d.numRows());
        assertEquals(List.of("text", "label"), d.columnNames());
        assertEquals("review number 3 bad", d.row(3).get("text"));
        assertEquals(1, d.row(4).get("label"));
        ClassLabel labels = d.features().classLabel("label");
        assertEquals(2, labels.numClasses());
        assertEquals("pos", labels.int2str(1));
        assertEquals(0, labels.str2int("neg"));
        BadInputException e = assertThrows(BadInputException.class, () -> labels.str2int("meh"));
        assertTrue(e.getMessage().contains("'meh'"), e.getMessage());
        assertThrows(BadInputException.class, () -> d.column("labels"));
    }

    @Test
    void mapAppendsColumnsRemovesAndCachesByFingerprint() throws Exception {
        Dataset d = reviews(2500);
        WordLengths fn = new WordLengths("word-lengths-v1");
        MapOptions opts = MapOptions.builder().cacheDir(tmp).progress(false).removeColumns("text").build();
        Dataset first = d.map(fn, opts);
        assertEquals(3, fn.calls.get(), "2500 rows in batches of 1000");
        assertEquals(List.of("label", "input_ids", "attention_mask"), first.columnNames());
        assertArrayEquals(new int[] {6, 6, 1, 3}, first.intLists("input_ids")[1]);
        assertInstanceOf(ClassLabel.class, first.features().get("label"));

        Dataset second = d.map(fn, opts);
        assertEquals(3, fn.calls.get(), "the second map must load from the cache, not call the function");
        assertEquals(first.fingerprint(), second.fingerprint());
        assertInstanceOf(ClassLabel.class, second.features().get("label"), "features survive the cache");

        d.map(fn, MapOptions.builder().cacheDir(tmp).progress(false).removeColumns("text").loadFromCacheFile(false).build());
        assertEquals(6, fn.calls.get(), "loadFromCacheFile(false) recomputes");

        d.map(new WordLengths("word-lengths-v2"), opts);
        d.select(0, 2499).map(fn, opts);
        assertEquals(9, fn.calls.get(), "other data recomputes");
        fn.calls.set(0);
        d.map(fn, MapOptions.builder().cacheDir(tmp).progress(false).build());
        assertEquals(3, fn.calls.get(), "other remove_columns recomputes");
        try (var entries = java.nio.file.Files.list(tmp)) {
            assertTrue(entries.noneMatch(p -> p.getFileName().toString().startsWith(".tmp-")), "no partial entries left");
        }
    }

    @Test
    void mapWithoutFingerprintIsNotCached() throws Exception {
        Dataset d = reviews(100);
        AtomicInteger calls = new AtomicInteger();
        BatchFunction fn = batch -> {
            calls.incrementAndGet();
            return Map.of("n", new Column.Ints(new int[batch.get("label").size()]));
        };
        MapOptions opts = MapOptions.builder().cacheDir(tmp).progress(false).build();
        d.map(fn, opts);
        d.map(fn, opts);
        assertEquals(2, calls.get());
        try (var entries = Files.list(tmp)) {
            assertEquals(0, entries.count(), "nothing cached without a fingerprint");
        }
    }

    @Test
    void partialCacheEntryIsNeverRead() throws Exception {
        Dataset d = reviews(50);
        WordLengths fn = new WordLengths("wl");
        MapOptions opts = MapOptions.builder().cacheDir(tmp).progress(false).build();
        Path entry = d.cacheEntry(fn, opts);
        Files.createDirectories(entry);
        d.map(fn, opts);
        Path file = entry.resolve("dataset.f4j");
        byte[] full = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(full, full.length / 2)); // as if a writer died half way
        int before = fn.calls.get();
        Dataset again = d.map(fn, opts);
        assertEquals(before + 1, fn.calls.get(), "a truncated entry is recomputed, not read");
        assertEquals(50, again.numRows());
    }

    @Test
    void parallelMapKeepsOrderAndNonBatchedCallsPerRow() {
        Dataset d = reviews(1037);
        BatchFunction fn = batch -> {
            String[] t = ((Column.Strings) batch.get("text")).values();
            int[] n = new int[t.length];
            for (int i = 0; i < t.length; i++) n[i] = Integer.parseInt(t[i].split(" ")[2]);
            return Map.of("n", new Column.Ints(n));
        };
        Dataset par = d.map(fn, MapOptions.builder().numProc(4).batchSize(10).progress(false).build());
        for (int i = 0; i < 1037; i++) assertEquals(i, par.ints("n")[i]);
        AtomicInteger calls = new AtomicInteger();
        Dataset single = d.select(0, 7).map(b -> { calls.incrementAndGet(); return fn.apply(b); },
                MapOptions.builder().batched(false).progress(false).build());
        assertEquals(7, calls.get());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, single.ints("n"));
    }

    @Test
    void mapRejectsWrongRowCounts() {
        Dataset d = reviews(10);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.map(b -> Map.of("x", new Column.Ints(new int[1])),
                MapOptions.builder().progress(false).build()));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
    }

    @Test
    void shuffleIsDeterministicAndAPermutation() {
        Dataset d = reviews(1000);
        Dataset a = d.shuffle(42);
        Dataset b = d.shuffle(42);
        Dataset c = d.shuffle(43);
        assertArrayEquals(a.strings("text"), b.strings("text"));
        assertFalse(Arrays.equals(a.strings("text"), c.strings("text")));
        assertFalse(Arrays.equals(a.strings("text"), d.strings("text")));
        String[] sorted = a.strings("text").clone();
        String[] orig = d.strings("text").clone();
        Arrays.sort(sorted);
        Arrays.sort(orig);
        assertArrayEquals(orig, sorted);
    }

    @Test
    void stratifiedTrainTestSplitKeepsClassBalance() {
        Dataset d = reviews(1000); // 250 pos, 750 neg
        DatasetDict split = d.trainTestSplit(0.2, 7, "label");
        assertEquals(List.of("train", "test"), split.splitNames());
        Dataset test = split.get("test");
        Dataset train = split.get("train");
        assertEquals(200, test.numRows());
        assertEquals(800, train.numRows());
        assertEquals(50, Arrays.stream(test.ints("label")).filter(l -> l == 1).count());
        assertEquals(200, Arrays.stream(train.ints("label")).filter(l -> l == 1).count());
        assertArrayEquals(test.strings("text"), d.trainTestSplit(0.2, 7, "label").get("test").strings("text"));
        assertEquals(200, d.trainTestSplit(200, 1, null).get("test").numRows());
        var all = new java.util.HashSet<>(Arrays.asList(train.strings("text")));
        all.addAll(Arrays.asList(test.strings("text")));
        assertEquals(1000, all.size(), "train and test are disjoint and cover everything");
    }

    @Test
    void selectFilterRenameRemoveConcatenate() {
        Dataset d = reviews(20);
        assertEquals(5, d.select(10, 15).numRows());
        assertEquals("review number 7 bad", d.select(new int[] {7, 3}).row(0).get("text"));
        assertEquals(5, d.filter(r -> (int) r.get("label") == 1).numRows());
        Dataset renamed = d.renameColumn("label", "labels");
        assertEquals(List.of("text", "labels"), renamed.columnNames());
        assertInstanceOf(ClassLabel.class, renamed.features().get("labels"));
        assertEquals(List.of("label"), d.removeColumns("text").columnNames());
        Dataset both = Datasets.concatenate(d, d.select(0, 5));
        assertEquals(25, both.numRows());
        assertEquals("review number 4 good", both.row(24).get("text"));
        assertThrows(BadInputException.class, () -> Datasets.concatenate(d, renamed));
    }

    @Test
    void torchFormatGivesPrimitiveBatchesAndTensors() {
        Dataset d = reviews(25).map(new WordLengths(null), MapOptions.builder().progress(false).build())
                .renameColumn("label", "labels");
        FormattedDataset f = d.withFormat("torch", "input_ids", "attention_mask", "labels");
        int rows = 0;
        int batches = 0;
        for (FormattedDataset.Batch b : f.batches(8)) {
            int[][] ids = b.intLists("input_ids");
            assertEquals(b.size(), ids.length);
            rows += b.size();
            batches++;
        }
        assertEquals(25, rows);
        assertEquals(4, batches);
        FormattedDataset.Batch first = f.batches(8).iterator().next();
        try (Scope step = Scope.open()) {
            Map<String, Tensor> tensors = first.toTensors();
            assertArrayEquals(new long[] {8, 4}, tensors.get("input_ids").shape());
            assertEquals(DType.INT64, tensors.get("labels").dtype());
            assertEquals(1L, tensors.get("labels").toLongArray()[0]);
        }
    }

    @Test
    void saveToDiskRoundTripsWithClassLabels() {
        Map<String, Dataset> splits = new LinkedHashMap<>();
        splits.put("train", reviews(30).map(new WordLengths(null), MapOptions.builder().progress(false).build()));
        splits.put("test", reviews(5));
        DatasetDict dict = new DatasetDict(splits);
        Path dir = tmp.resolve("saved");
        dict.saveToDisk(dir);
        DatasetDict back = Datasets.loadFromDisk(dir);
        assertEquals(dict.toString(), back.toString());
        assertEquals(dict.get("train").fingerprint(), back.get("train").fingerprint());
        assertEquals(ClassLabel.of("neg", "pos"), back.get("test").features().get("label"));
        BadInputException e = assertThrows(BadInputException.class, () -> Datasets.loadFromDisk(tmp.resolve("nothing")));
        assertTrue(e.getMessage().contains("nothing"));
    }

    @Test
    void progressBarRendersLikeTqdm() {
        String line = io.finetune4j.util.TqdmBar.render(stateAt(25000, 25000), "examples");
        assertTrue(line.startsWith("Map: 100%|██████████| 25000/25000 ["), line);
        assertTrue(line.endsWith(" examples/s]"), line);
    }

    private static me.tongfei.progressbar.ProgressState stateAt(long current, long max) {
        try (me.tongfei.progressbar.ProgressBar bar = new me.tongfei.progressbar.ProgressBarBuilder().setTaskName("Map")
                .setInitialMax(max).setConsumer(new me.tongfei.progressbar.DelegatingProgressBarConsumer(s -> {})).build()) {
            bar.stepTo(current);
            var field = me.tongfei.progressbar.ProgressBar.class.getDeclaredField("progress");
            field.setAccessible(true);
            return (me.tongfei.progressbar.ProgressState) field.get(bar);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
