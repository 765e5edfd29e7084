package io.finetune4j.serve;

import io.finetune4j.BadInputException;
import io.finetune4j.pipeline.Classification;
import io.finetune4j.pipeline.ClassifyOptions;
import io.finetune4j.pipeline.ClassifyResult;
import io.finetune4j.pipeline.ScoreFunction;
import io.finetune4j.pipeline.TextClassifier;
import io.finetune4j.pipeline.TextClassifier.LabelScore;
import io.finetune4j.tokenize.EncodeOptions.Side;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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

    /**
     * What a request got back: one classification per input in order, and where its time went. The
     * times are means over the request's inputs (TEI's way): how long an input waited in the queue,
     * and how long the tokenization and the model run of the batch it was scored in took.
     */
    public record Outcome(List<Classification> classifications, long queueNanos, long tokenizationNanos,
                          long inferenceNanos) {
        /** Tokens the model ran for this request. */
        public long tokens() {
            long sum = 0;
            for (Classification c : classifications) {
                sum += c.tokens();
            }
            return sum;
        }

        /** The label scores per input. */
        public List<List<LabelScore>> scores() {
            List<List<LabelScore>> out = new ArrayList<>(classifications.size());
            for (Classification c : classifications) {
                out.add(c.scores());
            }
            return out;
        }
    }

    /** Told about every classifier call (for metrics); called on the batcher thread, so it must be quick. */
    public interface Listener {
        void batchDone(int texts, long tokens, long tokenizationNanos, long inferenceNanos, boolean failed);
    }

    /** One request: its texts' results fill in as batches finish. */
    private static final class Request {
        final ClassifyOptions options;
        final Classification[] results;
        final AtomicInteger remaining;
        final AtomicLong queueNanos = new AtomicLong();
        final AtomicLong tokenizationNanos = new AtomicLong();
        final AtomicLong inferenceNanos = new AtomicLong();
        final CompletableFuture<Outcome> future = new CompletableFuture<>();

        Request(int size, ClassifyOptions options) {
            this.options = options;
            this.results = new Classification[size];
            this.remaining = new AtomicInteger(size);
        }

        void fill(int index, Classification result, long queued, long tokenization, long inference) {
            results[index] = result;
            queueNanos.addAndGet(queued);
            tokenizationNanos.addAndGet(tokenization);
            inferenceNanos.addAndGet(inference);
            if (remaining.decrementAndGet() == 0) {
                int n = results.length;
                future.complete(new Outcome(List.of(results), queueNanos.get() / n, tokenizationNanos.get() / n,
                        inferenceNanos.get() / n));
            }
        }
    }

    private record Item(String text, String pair, Request request, int index, long enqueuedNanos) {}

    /** Items that one classifier call can score together: same options (but top_k), all pairs or none. */
    private record GroupKey(ScoreFunction function, Boolean truncate, Side side, boolean pairs) {
        static GroupKey of(Item item) {
            ClassifyOptions o = item.request().options;
            return new GroupKey(o.function(), o.truncate(), o.truncationSide(), item.pair() != null);
        }
    }

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
    private final Listener listener;
    private volatile long lastSuccessNanos;
    private volatile boolean succeededOnce;

    public MicroBatcher(TextClassifier classifier, int maxBatchSize, long maxWaitMillis, int queueCapacity) {
        this(classifier, maxBatchSize, maxWaitMillis, queueCapacity, null);
    }

    /** As above, telling {@code listener} (may be null) about every classifier call. */
    public MicroBatcher(TextClassifier classifier, int maxBatchSize, long maxWaitMillis, int queueCapacity, Listener listener) {
        this.listener = listener;
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
     * Queues {@code texts} for scoring with {@code topK} labels each ({@code topK <= 0}: all labels),
     * with the classifier's own scores. See {@link #submit(List, List, ClassifyOptions)}.
     */
    public CompletableFuture<List<List<LabelScore>>> submit(List<String> texts, int topK) {
        return submit(texts, null, ClassifyOptions.defaults().withTopK(topK)).thenApply(Outcome::scores);
    }

    /**
     * Queues {@code texts} (with {@code pairs}, one per text, or null) for scoring with {@code options}.
     * All texts are queued or none: when they do not fit, {@link QueueFullException} is thrown at
     * once (never blocks). The future fails with the classifier's exception if its batch fails.
     *
     * @throws QueueFullException the queue has no room for these texts now
     * @throws BatcherClosedException the batcher is closing
     * @throws IllegalArgumentException texts is empty or larger than the whole queue
     */
    public CompletableFuture<Outcome> submit(List<String> texts, List<String> pairs, ClassifyOptions options) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("texts is empty");
        }
        if (texts.size() > queueCapacity) {
            throw new IllegalArgumentException("a request may hold at most " + queueCapacity
                    + " texts (queue_capacity), got " + texts.size());
        }
        if (pairs != null && pairs.size() != texts.size()) {
            throw new IllegalArgumentException(texts.size() + " texts but " + pairs.size() + " pairs");
        }
        Request request = new Request(texts.size(), Objects.requireNonNull(options, "options"));
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
                String pair = pairs == null ? null : pairs.get(i);
                queue.add(new Item(Objects.requireNonNull(texts.get(i), "text"), pair, request, i, now));
            }
            requests.incrementAndGet();
            this.texts.addAndGet(texts.size());
            arrived.signal();
        } finally {
            lock.unlock();
        }
        return request.future;
    }

    /** Whether a classifier call has succeeded within the last {@code nanos} nanoseconds. */
    public boolean answeredWithin(long nanos) {
        return succeededOnce && System.nanoTime() - lastSuccessNanos < nanos;
    }

    /** Texts waiting now. */
    public int queueDepth() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
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
                long started = System.nanoTime();
                Map<GroupKey, List<Item>> groups = new LinkedHashMap<>();
                for (Item item : batch) {
                    groups.computeIfAbsent(GroupKey.of(item), k -> new ArrayList<>()).add(item);
                }
                for (Map.Entry<GroupKey, List<Item>> group : groups.entrySet()) {
                    runGroup(group.getKey(), group.getValue(), started);
                }
            }
        } catch (InterruptedException e) {
            // close() gave up waiting; it fails whatever is left.
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One classifier call for a group. When it fails on a bad input (say a text too long without
     * truncation) and the group holds several requests, each request is retried alone, so one
     * client's bad text does not fail the others.
     */
    private void runGroup(GroupKey key, List<Item> items, long started) {
        try {
            runBatch(key, items, started);
        } catch (RuntimeException | Error e) {
            boolean badInput = e instanceof BadInputException || e instanceof UnsupportedOperationException;
            Map<Request, List<Item>> byRequest = new LinkedHashMap<>();
            for (Item item : items) {
                byRequest.computeIfAbsent(item.request(), r -> new ArrayList<>()).add(item);
            }
            if (badInput && byRequest.size() > 1) {
                for (List<Item> mine : byRequest.values()) {
                    runGroup(key, mine, started);
                }
                return;
            }
            // The worker must survive a bad batch, or every later request would hang.
            failedBatches.incrementAndGet();
            if (listener != null) {
                listener.batchDone(items.size(), 0, 0, 0, true);
            }
            if (badInput) {
                LOG.debug("a batch of {} texts was refused: {}", items.size(), e.getMessage());
            } else {
                LOG.error("classifier failed on a batch of {} texts", items.size(), e);
            }
            for (Request request : byRequest.keySet()) {
                request.future.completeExceptionally(e);
            }
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

    private void runBatch(GroupKey key, List<Item> batch, long started) {
        List<String> batchTexts = new ArrayList<>(batch.size());
        List<String> batchPairs = key.pairs() ? new ArrayList<>(batch.size()) : null;
        Set<Integer> topKs = new LinkedHashSet<>();
        for (Item item : batch) {
            batchTexts.add(item.text());
            if (batchPairs != null) {
                batchPairs.add(item.pair());
            }
            topKs.add(item.request().options.topK());
        }
        // One call per group: mixed top_k asks for all labels and each request takes its prefix.
        int callTopK = topKs.size() == 1 ? topKs.iterator().next() : 0;
        ClassifyOptions options = batch.get(0).request().options.withTopK(callTopK);
        batches.incrementAndGet();
        batchedTexts.addAndGet(batch.size());
        ClassifyResult result = classifier.classify(batchTexts, batchPairs, options);
        List<Classification> scores = result == null ? null : result.classifications();
        if (scores == null || scores.size() != batch.size()) {
            throw new IllegalStateException("the classifier returned " + (scores == null ? "null" : scores.size()
                    + " results") + " for " + batch.size() + " texts");
        }
        lastSuccessNanos = System.nanoTime();
        succeededOnce = true;
        if (listener != null) {
            listener.batchDone(batch.size(), result.tokens(), result.tokenizationNanos(), result.inferenceNanos(), false);
        }
        for (int i = 0; i < batch.size(); i++) {
            Item item = batch.get(i);
            Classification c = scores.get(i);
            Classification mine = new Classification(cut(c.scores(), item.request().options.topK()), c.logits(), c.tokens());
            item.request().fill(item.index(), mine, started - item.enqueuedNanos(), result.tokenizationNanos(),
                    result.inferenceNanos());
        }
    }

    private static List<LabelScore> cut(List<LabelScore> scores, int topK) {
        return topK <= 0 || scores.size() <= topK ? List.copyOf(scores) : List.copyOf(scores.subList(0, topK));
    }
}
