package io.finetune4j.tasks;

import io.finetune4j.data.Dataset;
import io.finetune4j.io.AtomicFiles;
import io.finetune4j.train.EncodedColumns;
import io.finetune4j.train.PredictionOutput;
import io.finetune4j.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * do_predict as HF's run_classification.py does it: predict the test split with the trained model and
 * write output_dir/predict_results.txt, a header {@code index\tprediction} then one line per row: the
 * label name (single-label, arg-max), the list of label names whose logit is > 0 (multi-label, as
 * Python prints a list) or the value with three decimals (regression).
 */
public final class PredictResults {
    public static final String FILE = "predict_results.txt";

    private PredictResults() {}

    /** Predicts {@code test} (its label column, if any, is not needed) and writes the file; returns its path. */
    public static Path predictAndWrite(Trainer trainer, Dataset test, ClassificationData.Preprocessing prep,
            io.finetune4j.tokenize.AutoTokenizer tokenizer, ClassificationData.Labels kind, List<String> labelNames, Path outputDir) {
        EncodedColumns columns = ClassificationData.encodeForPrediction(test, tokenizer, prep, "Running tokenizer on prediction dataset", kind);
        PredictionOutput out = trainer.predict(columns); // every rank predicts its shard; rank 0 writes the file
        Path file = outputDir.resolve(FILE);
        if (!trainer.isWorldProcessZero()) {
            return file;
        }
        String text = format(out.predictions(), kind, labelNames);
        AtomicFiles.writeString(file, text);
        return file;
    }

    static String format(float[][] predictions, ClassificationData.Labels kind, List<String> labelNames) {
        StringBuilder sb = new StringBuilder("index\tprediction\n");
        for (int i = 0; i < predictions.length; i++) {
            float[] p = predictions[i];
            sb.append(i).append('\t');
            if (kind.regression()) {
                sb.append(String.format(java.util.Locale.ROOT, "%3.3f", p[0]));
            } else if (kind.multiLabel()) {
                List<String> on = new ArrayList<>();
                for (int k = 0; k < p.length; k++) {
                    if (p[k] > 0) {
                        on.add("'" + labelNames.get(k) + "'");
                    }
                }
                sb.append('[').append(String.join(", ", on)).append(']');
            } else {
                int best = 0;
                for (int k = 1; k < p.length; k++) {
                    if (p[k] > p[best]) {
                        best = k;
                    }
                }
                sb.append(labelNames.get(best));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
