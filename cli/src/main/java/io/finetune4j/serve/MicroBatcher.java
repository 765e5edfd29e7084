package io.finetune4j.serve;

import io.finetune4j.pipeline.TextClassifier;
import io.finetune4j.pipeline.TextClassifier.LabelScore;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic micro-batching in front of a {@link TextClassifier}: texts of concurrent requests go into
 * one bounded queue (capacity counted in texts), and a single worker thread calls the classifier
 * once per batch of up to {@code maxBatchSize} texts. After the first text of a batch arrives the
 * worker waits at most {@code maxWaitMillis} for more, so a lone request pays little latency while
 * a busy server fills its batches. A request larger than a batch is split over several batches and
 * its future completes when its last text is scored.
 */
public final class MicroBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MicroBatcher.class);
    private static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

    /** Counters since start; {@code queuedTexts} is the current queue depth. */
    public record Stats(long requests, long texts, long batches, long batchedTexts, long rejectedRequests,
                        long failedBatches, int queuedTexts) {
        /** Mean number of texts per classifier call (0 before the first batch). */
        public double meanBatchSize() {
            return batches == 0 ? 0 : (double) batchedTexts / batches;
        }
    }

    /** One request: its texts' results fill in as batches finish. */
    private static final class Request {
        final int topK;
        final List<List<LabelScore>> results;
        final AtomicInteger remaining;
        final CompletableFuture<List<List<LabelScore>>> future = new CompletableFuture<>();

        @SuppressWarnings("unchecked")
        Request(int size, int topK) {
            this.topK = topK;
            this.results = Arrays.asList(new List[size]);
            this.remaining = new AtomicInteger(size);
        }

        void fill(int index, List<LabelScore> scores) {
            results.set(index, scores);
            if (remaining.decrementAndGet() == 0) {
                future.complete(List.copyOf(results));
            }
        }
    }

    private record Item(String text, Request request, int index, long enqueuedNanos) {}

    private final TextClassifier classifier;
    private final int maxBatchSize;
    private final long maxWaitNanos;
    private final int queueCapacity;
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Thread worker;
    private volatile boolean closing;

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong texts = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong batchedTexts = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();

    public MicroBatcher(TextClassifier classifier, int maxBatchSize, long maxWaitMillis, int queueCapacity) {
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("max_batch_size must be at least 1, got " + maxBatchSize);
        }
        if (maxWaitMillis < 0) {
            throw new IllegalArgumentException("max_wait_ms must be 0 or more, got " + maxWaitMillis);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue_capacity must be at least 1, got " + queueCapacity);
        }
        this.maxBatchSize = maxBatchSize;
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
        this.queueCapacity = queueCapacity;
        this.worker = new Thread(this::runWorker, "finetune4j-batcher");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    /**
     * Queues {@code texts} for scoring with {@code topK} labels each ({@code topK <= 0}: all labels).
     * All texts are queued or none: when they do not fit, {@link QueueFullException} is thrown at
     * once (never blocks). The future fails with the classifier's exception if its batch fails.
     *
     * @throws QueueFullException the queue has no room for these texts now
     * @throws BatcherClosedException the batcher is closing
     * @throws IllegalArgumentException texts is empty or larger than the whole queue
     */
    public CompletableFuture<List<List<LabelScore>>> submit(List<String> texts, int topK) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("texts is empty");
        }
        if (texts.size() > queueCapacity) {
            throw new IllegalArgumentException("a request may hold at most " + queueCapacity
                    + " texts (queue_capacity), got " + texts.size());
        }
        Request request = new Request(texts.size(), topK);
        lock.lock();
        try {
            if (closing) {
                throw new BatcherClosedException("the server is shutting down");
            }
            if (queue.size() + texts.size() > queueCapacity) {
                rejected.incrementAndGet();
                throw new QueueFullException("the queue is full (" + queue.size() + " of " + queueCapacity
                        + " texts waiting); retry later");
            }
            long now = System.nanoTime();
            for (int i = 0; i < texts.size(); i++) {
                queue.add(new Item(Objects.requireNonNull(texts.get(i), "text"), request, i, now));
            }
            requests.incrementAndGet();
            this.texts.addAndGet(texts.size());
            arrived.signal();
        } finally {
            lock.unlock();
        }
        return request.future;
    }

    public Stats stats() {
        int depth;
        lock.lock();
        try {
            depth = queue.size();
        } finally {
            lock.unlock();
        }
        return new Stats(requests.get(), texts.get(), batches.get(), batchedTexts.get(), rejected.get(),
                failedBatches.get(), depth);
    }

    /** Stops taking work and finishes what is queued, waiting up to 30 seconds. */
    @Override
    public void close() {
        close(DEFAULT_DRAIN_TIMEOUT);
    }

    /**
     * Stops taking work, lets the worker finish everything already queued and waits up to
     * {@code drainTimeout} for that. Requests still unfinished then fail with
     * {@link BatcherClosedException}. Returns whether everything queued was finished.
     */
    public boolean close(Duration drainTimeout) {
        lock.lock();
        try {
            closing = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        boolean drained = join(drainTimeout);
        if (!drained) {
            // Take the queue away before interrupting, so the worker cannot start another batch.
            List<Item> left;
            lock.lock();
            try {
                left = new ArrayList<>(queue);
                queue.clear();
            } finally {
                lock.unlock();
            }
            worker.interrupt();
            BatcherClosedException stopped = new BatcherClosedException(
                    "the server shut down before this request was scored");
            left.forEach(item -> item.request().future.completeExceptionally(stopped));
            LOG.warn("shut down with {} texts still queued after waiting {} ms", left.size(), drainTimeout.toMillis());
        }
        return drained;
    }

    private boolean join(Duration timeout) {
        try {
            worker.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !worker.isAlive();
    }

    private void runWorker() {
        try {
            List<Item> batch;
            while ((batch = nextBatch()) != null) {
                try {
                    runBatch(batch);
                } catch (RuntimeException | Error e) {
                    // The worker must survive a bad batch, or every later request would hang.
                    failedBatches.incrementAndGet();
                    LOG.error("classifier failed on a batch of {} texts", batch.size(), e);
                    for (Item item : batch) {
                        item.request().future.completeExceptionally(e);
                    }
                }
            }
        } catch (InterruptedException e) {
            // close() gave up waiting; it fails whatever is left.
            Thread.currentThread().interrupt();
        }
    }

    /** Blocks for the next batch; null once closing and the queue is empty. */
    private List<Item> nextBatch() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closing) {
                    return null;
                }
                arrived.await();
            }
            // Wait for more texts until the batch is full or the first text has waited maxWait;
            // when closing, run at once: no one else is coming.
            long deadline = queue.peekFirst().enqueuedNanos() + maxWaitNanos;
            while (queue.size() < maxBatchSize && !closing) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                arrived.awaitNanos(left);
            }
            int n = Math.min(maxBatchSize, queue.size());
            List<Item> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                batch.add(queue.pollFirst());
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private void runBatch(List<Item> batch) {
        Set<Integer> topKs = new LinkedHashSet<>();
        List<String> batchTexts = new ArrayList<>(batch.size());
        for (Item item : batch) {
            topKs.add(item.request().topK <= 0 ? 0 : item.request().topK);
            batchTexts.add(item.text());
        }
        // One call per batch: mixed top_k asks for all labels and each request takes its prefix.
        int callTopK = topKs.size() == 1 ? topKs.iterator().next() : 0;
        batches.incrementAndGet();
        batchedTexts.addAndGet(batch.size());
        List<List<LabelScore>> scores = classifier.classify(batchTexts, callTopK);
        if (scores == null || scores.size() != batch.size()) {
            throw new IllegalStateException("the classifier returned " + (scores == null ? "null" : scores.size()
                    + " results") + " for " + batch.size() + " texts");
        }
        for (int i = 0; i < batch.size(); i++) {
            Item item = batch.get(i);
            item.request().fill(item.index(), cut(scores.get(i), item.request().topK));
        }
    }

    private static List<LabelScore> cut(List<LabelScore> scores, int topK) {
        return topK <= 0 || scores.size() <= topK ? List.copyOf(scores) : List.copyOf(scores.subList(0, topK));
    }
}
