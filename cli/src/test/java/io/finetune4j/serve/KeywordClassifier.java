package io.finetune4j.serve;

import io.finetune4j.pipeline.TextClassifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small real classifier for serving tests: counts sentiment keywords and turns the counts into a
 * softmax over NEGATIVE / NEUTRAL / POSITIVE. It records every batch it is called with, and can
 * hold its calls at a gate so a test can fill the server's queue deterministically.
 */
final class KeywordClassifier implements TextClassifier {
    static final List<String> LABELS = List.of("NEGATIVE", "NEUTRAL", "POSITIVE");
    private static final List<String> GOOD = List.of("good", "great", "love", "excellent");
    private static final List<String> BAD = List.of("bad", "awful", "hate", "boring");

    final List<List<String>> batches = new CopyOnWriteArrayList<>();
    final CountDownLatch entered = new CountDownLatch(1);
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile String failOn;

    /** Later calls block until {@link #open()}. */
    KeywordClassifier closeGate() {
        gate = new CountDownLatch(1);
        return this;
    }

    void open() {
        gate.countDown();
    }

    /** A batch containing this text throws. */
    KeywordClassifier failOn(String text) {
        failOn = text;
        return this;
    }

    @Override
    public List<List<LabelScore>> classify(List<String> texts, int topK) {
        batches.add(List.copyOf(texts));
        entered.countDown();
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        List<List<LabelScore>> out = new ArrayList<>();
        for (String text : texts) {
            if (text.equals(failOn)) {
                throw new IllegalArgumentException("cannot score '" + text + "'");
            }
            out.add(score(text, topK));
        }
        return out;
    }

    /** The scores for one text, computed directly (what a response must contain). */
    static List<LabelScore> score(String text, int topK) {
        int good = 0;
        int bad = 0;
        for (String word : text.toLowerCase(Locale.ROOT).split("\\W+")) {
            good += GOOD.contains(word) ? 1 : 0;
            bad += BAD.contains(word) ? 1 : 0;
        }
        double[] logits = {2.0 * bad, 0.5, 2.0 * good};
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l);
        }
        List<LabelScore> scores = new ArrayList<>();
        for (int i = 0; i < logits.length; i++) {
            scores.add(new LabelScore(LABELS.get(i), Math.exp(logits[i]) / sum));
        }
        scores.sort(Comparator.comparingDouble(LabelScore::score).reversed());
        return Collections.unmodifiableList(topK <= 0 ? scores : scores.subList(0, Math.min(topK, scores.size())));
    }

    @Override
    public List<String> labels() {
        return LABELS;
    }
}
