package io.finetune4j.train;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * dataloader_num_workers: threads that gather and pad the next optimizer steps' micro-batches on
 * the heap while the current step runs. Tensors are still created on the training thread (in the
 * step's Scope), so the order and the values are the same as with no workers.
 */
final class BatchPrefetcher implements AutoCloseable {
    private final DataCollatorWithPadding collator;
    private final EncodedColumns columns;
    private final ExecutorService pool;
    private final int ahead;
    private final Deque<Future<List<DataCollatorWithPadding.HostBatch>>> queue = new ArrayDeque<>();
    private List<List<int[]>> windows = List.of();
    private int next;

    BatchPrefetcher(DataCollatorWithPadding collator, EncodedColumns columns, int workers) {
        this(collator, columns, workers, 2);
    }

    /** {@code prefetchFactor}: windows each worker prepares ahead (dataloader_prefetch_factor; torch's default 2). */
    BatchPrefetcher(DataCollatorWithPadding collator, EncodedColumns columns, int workers, int prefetchFactor) {
        this.collator = collator;
        this.columns = columns;
        this.ahead = prefetchFactor * workers;
        this.pool = workers > 0 ? Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "finetune4j-dataloader");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** How many windows are prepared ahead of the training step (workers × prefetch factor). */
    int ahead() {
        return ahead;
    }

    /** The micro-batch windows of one epoch (from the resume position on), in training order. */
    void startEpoch(List<List<int[]>> epochWindows) {
        queue.forEach(f -> f.cancel(true));
        queue.clear();
        windows = epochWindows;
        next = 0;
        fill();
    }

    /** The heap batches of the next window. */
    List<DataCollatorWithPadding.HostBatch> next() {
        if (pool == null) {
            return prepare(windows.get(next++));
        }
        try {
            List<DataCollatorWithPadding.HostBatch> out = queue.removeFirst().get();
            fill();
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void fill() {
        while (pool != null && queue.size() < ahead && next < windows.size()) {
            List<int[]> w = windows.get(next++);
            queue.addLast(pool.submit(() -> prepare(w)));
        }
    }

    private List<DataCollatorWithPadding.HostBatch> prepare(List<int[]> window) {
        List<DataCollatorWithPadding.HostBatch> out = new ArrayList<>(window.size());
        for (int[] rows : window) {
            out.add(collator.prepare(columns, rows));
        }
        return out;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
