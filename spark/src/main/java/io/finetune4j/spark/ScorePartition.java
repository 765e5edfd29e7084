package io.finetune4j.spark;

import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.pipeline.TextClassifier.LabelScore;
import io.finetune4j.pipeline.TextPair;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Scores one partition: rows are read in chunks, the non-blank texts of a chunk go through this JVM's
 * shared pipeline in one call, and each row comes out with label, score (and scores) appended. Lazy:
 * a partition is never held in memory whole.
 */
final class ScorePartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    /** Texts per pipeline call, in forward passes of batch_size: the pipeline sorts a call by length. */
    static final int CHUNK_BATCHES = 8;

    private final ScoringOptions options;
    private final int textIndex;
    private final int pairIndex;
    private final boolean includeScores;
    private final LongAccumulator scored;
    private final LongAccumulator skipped;

    /** {@code pairIndex < 0}: single texts. */
    ScorePartition(ScoringOptions options, int textIndex, int pairIndex, boolean includeScores, LongAccumulator scored, LongAccumulator skipped) {
        this.options = options;
        this.textIndex = textIndex;
        this.pairIndex = pairIndex;
        this.includeScores = includeScores;
        this.scored = scored;
        this.skipped = skipped;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        return new Iterator<>() {
            private final int chunk = options.batchSize() * CHUNK_BATCHES;
            private List<Row> ready = List.of();
            private int next;

            @Override
            public boolean hasNext() {
                if (next < ready.size()) {
                    return true;
                }
                if (!input.hasNext()) {
                    return false;
                }
                List<Row> rows = new ArrayList<>(chunk);
                while (rows.size() < chunk && input.hasNext()) {
                    rows.add(input.next());
                }
                ready = score(rows);
                next = 0;
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.get(next++);
            }
        };
    }

    private List<Row> score(List<Row> rows) {
        List<String> texts = new ArrayList<>();
        List<TextPair> pairs = new ArrayList<>();
        int[] slot = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            String text = row.isNullAt(textIndex) ? null : row.getString(textIndex);
            String pair = pairIndex < 0 || row.isNullAt(pairIndex) ? null : row.getString(pairIndex);
            if (text == null || text.isBlank() || (pairIndex >= 0 && pair == null)) {
                slot[i] = -1;
            } else {
                slot[i] = texts.size();
                texts.add(text);
                if (pairIndex >= 0) {
                    pairs.add(new TextPair(text, pair));
                }
            }
        }
        List<List<LabelScore>> scores = texts.isEmpty() ? List.of()
                : pairIndex >= 0 ? pipeline().classifyPairs(pairs, 0) : pipeline().classify(texts, 0);
        if (scored != null) {
            scored.add(texts.size());
        }
        if (skipped != null) {
            skipped.add(rows.size() - texts.size());
        }
        List<Row> out = new ArrayList<>(rows.size());
        int extra = includeScores ? 3 : 2;
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            Object[] values = new Object[row.length() + extra];
            for (int c = 0; c < row.length(); c++) {
                values[c] = row.get(c);
            }
            if (slot[i] >= 0) {
                List<LabelScore> s = scores.get(slot[i]);
                values[row.length()] = s.get(0).label();
                values[row.length() + 1] = s.get(0).score();
                if (includeScores) {
                    Map<String, Object> map = new LinkedHashMap<>();
                    for (LabelScore ls : s) {
                        map.put(ls.label(), ls.score());
                    }
                    values[row.length() + 2] = CollectionConverters.asScala(map);
                }
            }
            out.add(RowFactory.create(values));
        }
        return out;
    }

    private TextClassificationPipeline pipeline() {
        return SharedPipelines.get(options);
    }
}
