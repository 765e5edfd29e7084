package io.finetune4j.data;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.io.Cache;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real IMDB through the npm client, into the real default cache (so that later runs and other
 * tools find it). Run with {@code mvn -B -o test -Pintegration -Dtest=ImdbIntegrationTest}.
 */
@Tag("integration")
class ImdbIntegrationTest {
    @Test
    void fetchSplitAndLoadImdb() {
        Cache cache = Cache.standard();
        long t0 = System.nanoTime();
        Datasets.FetchReport fetched = Datasets.fetch("imdb", cache);
        long t1 = System.nanoTime();
        DatasetDict imdb = Datasets.load("imdb", LoadDatasetOptions.builder().cache(cache).build());
        long t2 = System.nanoTime();
        System.out.printf("imdb fetch: %.1f s (already cached: %s) %s; load from cache: %.2f s%n",
                (t1 - t0) / 1e9, fetched.alreadyCached(), fetched.fileSizes(), (t2 - t1) / 1e9);

        assertEquals(List.of("train", "test"), imdb.splitNames());
        Dataset train = imdb.get("train");
        Dataset test = imdb.get("test");
        assertEquals(25000, train.numRows());
        assertEquals(25000, test.numRows());
        assertEquals(ClassLabel.of("neg", "pos"), train.features().get("label"));
        assertEquals(12500, Arrays.stream(train.ints("label")).sum());
        assertEquals(12500, Arrays.stream(test.ints("label")).sum());

        // Boundaries from NOTES.md: train = [12500,25000) ∪ [37500,50000), test = [0,12500) ∪ [25000,37500).
        assertTrue(train.strings("text")[0].startsWith("Story of a man who has unnatural feelings for a pig"));
        assertTrue(train.strings("text")[12500].startsWith("Bromwell High is a cartoon comedy"));
        assertTrue(test.strings("text")[0].startsWith("Once again Mr. Costner"));
        assertTrue(test.strings("text")[12500].startsWith("I went and saw this movie last night"));
        assertEquals(0, train.ints("label")[0]);
        assertEquals(1, train.ints("label")[12500]);
        // HF's train[0] (index 15310 in the package) is in train, HF's test[0] (index 2810) in test.
        assertTrue(train.strings("text")[15310 - 12500].startsWith("I rented I AM CURIOUS-YELLOW"));
        assertTrue(test.strings("text")[2810].startsWith("I love sci-fi and am willing to put up with a lot"));
        long withBr = Arrays.stream(train.strings("text")).filter(t -> t.contains("<br />")).count()
                + Arrays.stream(test.strings("text")).filter(t -> t.contains("<br />")).count();
        assertEquals(29200, withBr);
    }
}
