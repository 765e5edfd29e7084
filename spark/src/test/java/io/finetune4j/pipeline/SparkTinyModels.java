package io.finetune4j.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The spark module's door to core's tiny random checkpoints (package-private there). */
public final class SparkTinyModels {
    private SparkTinyModels() {}

    /** A tiny random BERT classifier folder with named labels and bert-base-uncased's tokenizer. */
    public static Path classifier(Path parent, int numLabels) throws IOException {
        Map<Integer, String> names = new java.util.HashMap<>();
        for (int i = 0; i < numLabels; i++) {
            names.put(i, "label_" + (char) ('a' + i));
        }
        return TinyCheckpoints.classifier(parent, numLabels, names);
    }

    /** {@code n} reproducible English-ish texts of 1 to 40 words. */
    public static List<String> texts(int n, long seed) {
        String[] words = ("the movie was great terrible boring fun and i loved hated it plot actors acting story a bit too long "
                + "short funny sad music best worst film ever seen not really quite good bad").split(" ");
        Random random = new Random(seed);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = 1 + random.nextInt(40);
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < len; w++) {
                sb.append(w == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
            }
            out.add(sb.toString());
        }
        return out;
    }
}
