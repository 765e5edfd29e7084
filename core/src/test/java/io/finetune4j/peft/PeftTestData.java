package io.finetune4j.peft;

import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.data.Column;
import io.finetune4j.io.Tensor;
import io.finetune4j.models.SequenceClassifier;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.train.EncodedColumns;
import io.finetune4j.train.TrainingArguments;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/** Tiny BERTs, inputs and a learnable task shared by the PEFT tests. */
public final class PeftTestData {
    private PeftTestData() {}

    /** BertConfig.tiny(): hidden 32, 2 layers, 2 labels, random HF init. */
    public static BertForSequenceClassification tinyBert(long seed) {
        return BertForSequenceClassification.random(BertConfig.tiny(), seed, Device.cpu());
    }

    static long[][] ids(int batch, int seq, long seed) {
        Random r = new Random(seed);
        long[][] out = new long[batch][seq];
        for (long[] row : out) {
            for (int i = 0; i < seq; i++) {
                row[i] = 1 + r.nextInt(199);
            }
        }
        return out;
    }

    static float[] logits(SequenceClassifier model, long[][] ids) {
        try (Scope step = Scope.open(); io.finetune4j.torch.Autograd noGrad = io.finetune4j.torch.Autograd.noGrad()) {
            return model.logits(tensor(ids), null, null, false).toFloatArray();
        }
    }

    /** {@code torch.tensor(rows)} of equal-length rows (int64). */
    static io.finetune4j.torch.Tensor tensor(long[][] rows) {
        long[] flat = new long[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return io.finetune4j.torch.Tensor.of(flat, rows.length, rows[0].length);
    }

    /** Label 1 rows mostly hold tokens 2..9, label 0 rows mostly 10..17. */
    public static EncodedColumns task(int rows, long seed) {
        Random rng = new Random(seed);
        int[][] ids = new int[rows][];
        int[][] mask = new int[rows][];
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            int label = rng.nextInt(2);
            int len = 4 + rng.nextInt(6);
            ids[r] = new int[len];
            mask[r] = new int[len];
            for (int j = 0; j < len; j++) {
                int base = (label == 1) == (rng.nextDouble() < 0.8) ? 2 : 10;
                ids[r][j] = base + rng.nextInt(8);
                mask[r][j] = 1;
            }
            labels[r] = label;
        }
        return new EncodedColumns(new Column.IntLists(ids), null, new Column.IntLists(mask), new Column.Ints(labels));
    }

    public static TrainingArguments.Builder args(Path out) {
        return TrainingArguments.builder().outputDir(out.toString()).learningRate(0.01).perDeviceTrainBatchSize(8)
                .perDeviceEvalBatchSize(16).set("disable_tqdm", true).set("save_strategy", "no").set("report_to", "none");
    }

    static Map<String, float[]> snapshot(Map<String, Tensor> state) {
        Map<String, float[]> out = new HashMap<>();
        state.forEach((k, v) -> out.put(k, v.toFloats()));
        return out;
    }
}
