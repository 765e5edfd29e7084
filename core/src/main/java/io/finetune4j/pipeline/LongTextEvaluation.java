package io.finetune4j.pipeline;

import io.finetune4j.BadInputException;
import io.finetune4j.data.Dataset;
import io.finetune4j.data.Datasets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Does window averaging help on long texts? Scores the texts of a labelled split that exceed
 * {@code minTokens} tokens twice, truncated (HF's pipeline) and in overlapping windows, and
 * compares accuracy. Needs a fine-tuned classifier whose label ids match the data's labels.
 *
 * <p>The CLI's {@code finetune4j long-text --model DIR [--dataset_name imdb] [--split test] [--stride 128]
 * [--max_eval_samples N]} runs {@link #evaluate(String, String, String, int, int, Integer)}.
 */
public final class LongTextEvaluation {
    /**
     * @param longTexts   texts longer than the model's max_length
     * @param truncated   accuracy with truncation
     * @param windowed    accuracy with window averaging
     * @param meanWindows windows per long text, on average
     */
    public record Result(int longTexts, double truncated, double windowed, double meanWindows) {
        public String describe() {
            return String.format(Locale.ROOT, "%d long texts: accuracy truncated %.4f, windows %.4f (%.2f windows per text)",
                    longTexts, truncated, windowed, meanWindows);
        }
    }

    private LongTextEvaluation() {}

    /**
     * Compares both modes on a split of a data set ({@code imdb} or a local one), shuffled with seed 42 first so
     * that {@code maxEvalSamples} (HF's max_eval_samples; null: every long text) takes a mixed sample (IMDB's splits
     * are sorted by label).
     */
    public static Result evaluate(String model, String dataset, String split, int stride, int batchSize, Integer maxEvalSamples) {
        if (maxEvalSamples != null && maxEvalSamples < 1) {
            throw new BadInputException("max_eval_samples must be at least 1, got " + maxEvalSamples);
        }
        return evaluate(model, Datasets.loadSplit(dataset, split).shuffle(42), stride, batchSize, maxEvalSamples == null ? 0 : maxEvalSamples);
    }

    /**
     * Compares both modes on the rows of {@code data} (columns {@code text}, {@code label}) whose
     * token count exceeds max_length; at most {@code limit} of them ({@code <= 0}: all).
     */
    public static Result evaluate(String model, Dataset data, int stride, int batchSize, int limit) {
        String[] texts = data.strings("text");
        int[] labels = data.ints("label");
        try (TextClassificationPipeline truncate = TextClassificationPipeline.builder().model(model).batchSize(batchSize).build();
                TextClassificationPipeline windows = TextClassificationPipeline.builder().model(model).batchSize(batchSize)
                        .longText(LongTextMode.WINDOWS, stride).build()) {
            int[] tokens = truncate.tokenCounts(List.of(texts));
            List<String> longTexts = new ArrayList<>();
            List<Integer> gold = new ArrayList<>();
            for (int i = 0; i < texts.length && (limit <= 0 || longTexts.size() < limit); i++) {
                if (tokens[i] > truncate.maxLength()) {
                    longTexts.add(texts[i]);
                    gold.add(labels[i]);
                }
            }
            if (longTexts.isEmpty()) {
                throw new BadInputException("no text is longer than max_length " + truncate.maxLength() + " tokens; nothing to compare");
            }
            double truncatedHits = 0;
            double windowHits = 0;
            long windowCount = 0;
            int chunk = 256; // bounded memory for the per-text results
            for (int from = 0; from < longTexts.size(); from += chunk) {
                List<String> part = longTexts.subList(from, Math.min(longTexts.size(), from + chunk));
                List<List<TextClassifier.LabelScore>> t = truncate.classify(part, 1);
                List<TextClassificationPipeline.Prediction> w = windows.predict(part, 1);
                for (int i = 0; i < part.size(); i++) {
                    int expected = gold.get(from + i);
                    truncatedHits += truncate.labels().indexOf(t.get(i).get(0).label()) == expected ? 1 : 0;
                    windowHits += windows.labels().indexOf(w.get(i).top().label()) == expected ? 1 : 0;
                    windowCount += w.get(i).windows();
                }
            }
            int n = longTexts.size();
            return new Result(n, truncatedHits / n, windowHits / n, (double) windowCount / n);
        }
    }
}
