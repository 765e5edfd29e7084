package io.finetune4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.pipeline.TextClassifier.LabelScore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {
    @Test
    void splitsALargeRequestOverBatchesAndReassemblesItInOrder() throws Exception {
        KeywordClassifier classifier = new KeywordClassifier();
        List<String> texts = List.of("good", "bad", "great", "awful", "plain", "love", "hate");
        try (MicroBatcher batcher = new MicroBatcher(classifier, 3, 0, 16)) {
            List<List<LabelScore>> results = batcher.submit(texts, 2).get();
            for (int i = 0; i < texts.size(); i++) {
                assertEquals(KeywordClassifier.score(texts.get(i), 2), results.get(i));
            }
            assertTrue(classifier.batches.stream().allMatch(b -> b.size() <= 3));
            assertEquals(texts.size(), classifier.batches.stream().mapToInt(List::size).sum());
        }
    }

    @Test
    void mixedTopKInOneBatchAsksForAllLabelsAndCutsPerRequest() throws Exception {
        KeywordClassifier classifier = new KeywordClassifier().closeGate();
        try (MicroBatcher batcher = new MicroBatcher(classifier, 8, 0, 16)) {
            CompletableFuture<List<List<LabelScore>>> blocker = batcher.submit(List.of("first"), 1);
            classifier.entered.await();
            CompletableFuture<List<List<LabelScore>>> one = batcher.submit(List.of("good"), 1);
            CompletableFuture<List<List<LabelScore>>> two = batcher.submit(List.of("bad"), 2);
            CompletableFuture<List<List<LabelScore>>> all = batcher.submit(List.of("meh"), 0);
            classifier.open();
            assertEquals(List.of(KeywordClassifier.score("first", 1)), blocker.get());
            assertEquals(List.of(KeywordClassifier.score("good", 1)), one.get());
            assertEquals(List.of(KeywordClassifier.score("bad", 2)), two.get());
            assertEquals(List.of(KeywordClassifier.score("meh", 0)), all.get());
            assertEquals(List.of("good", "bad", "meh"), classifier.batches.get(1));
            assertEquals(2, batcher.stats().batches());
            assertEquals(2.0, batcher.stats().meanBatchSize());
        }
    }

    @Test
    void closeDrainsQueuedWorkThenRefusesNewWork() throws Exception {
        KeywordClassifier classifier = new KeywordClassifier().closeGate();
        MicroBatcher batcher = new MicroBatcher(classifier, 1, 0, 16);
        CompletableFuture<List<List<LabelScore>>> a = batcher.submit(List.of("good"), 1);
        classifier.entered.await();
        CompletableFuture<List<List<LabelScore>>> b = batcher.submit(List.of("bad"), 1);
        Thread opener = new Thread(classifier::open);
        opener.start();
        assertTrue(batcher.close(Duration.ofSeconds(30)));
        assertEquals(List.of(KeywordClassifier.score("good", 1)), a.get());
        assertEquals(List.of(KeywordClassifier.score("bad", 1)), b.get());
        assertThrows(BatcherClosedException.class, () -> batcher.submit(List.of("late"), 1));
    }

    @Test
    void closeGivesUpAfterTheDrainTimeoutAndFailsWhatIsLeft() throws Exception {
        KeywordClassifier classifier = new KeywordClassifier().closeGate();
        MicroBatcher batcher = new MicroBatcher(classifier, 1, 0, 16);
        CompletableFuture<List<List<LabelScore>>> stuck = batcher.submit(List.of("good"), 1);
        classifier.entered.await();
        CompletableFuture<List<List<LabelScore>>> queued = batcher.submit(List.of("bad"), 1);
        assertEquals(false, batcher.close(Duration.ofMillis(1)));
        ExecutionException e = assertThrows(ExecutionException.class, queued::get);
        assertTrue(e.getCause() instanceof BatcherClosedException);
        classifier.open();
        assertThrows(ExecutionException.class, stuck::get); // its classify call was interrupted
    }

    @Test
    void rejectsRequestsThatDoNotFitAndBadSettings() {
        KeywordClassifier classifier = new KeywordClassifier().closeGate();
        try (MicroBatcher batcher = new MicroBatcher(classifier, 1, 0, 2)) {
            assertThrows(IllegalArgumentException.class, () -> batcher.submit(List.of("a", "b", "c"), 1));
            assertThrows(IllegalArgumentException.class, () -> batcher.submit(List.of(), 1));
            classifier.open();
        }
        assertThrows(IllegalArgumentException.class, () -> new MicroBatcher(classifier, 0, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> new MicroBatcher(classifier, 1, -1, 2));
        assertThrows(IllegalArgumentException.class, () -> new MicroBatcher(classifier, 1, 0, 0));
    }
}
