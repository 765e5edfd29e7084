package io.finetune4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.models.SequenceClassifierOutput;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.models.bert.BertForSequenceClassificationTest;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AutocastTest {
    private static final long[][] IDS = BertForSequenceClassificationTest.randomIds(3, 10, BertConfig.tiny().vocabSize(), 8);
    private static final long[] LABELS = {1, 0, 1};
    private static final float LOSS_SCALE = 65536f;

    @Test
    void float16MatmulsStayCloseToFloat32AndGradientsReachTheFloat32Weights() {
        try (BertForSequenceClassification model = BertForSequenceClassification.random(BertConfig.tiny(), 3, Device.cpu())) {
            Run full = run(model, null);
            Run half = run(model, DType.FLOAT16);
            double maxDiff = 0;
            for (int i = 0; i < full.logits.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(full.logits[i] - half.logits[i]));
            }
            assertTrue(maxDiff > 0, "float16 matmuls must actually run in float16");
            assertTrue(maxDiff < 5e-3, "logits differ by " + maxDiff);
            for (Map.Entry<String, float[]> e : full.grads.entrySet()) {
                float[] a = e.getValue();
                float[] b = half.grads.get(e.getKey());
                double num = 0;
                double den = 1e-12;
                for (int i = 0; i < a.length; i++) {
                    num += (a[i] - b[i]) * (double) (a[i] - b[i]);
                    den += a[i] * (double) a[i];
                }
                assertTrue(Math.sqrt(num / den) < 2e-2, e.getKey() + ": relative gradient error " + Math.sqrt(num / den));
            }
            for (var p : model.namedParameters().values()) {
                assertEquals(DType.FLOAT32, p.data().dtype(), "master weights stay float32");
            }
        }
    }

    @Test
    void scopesNestAndRestoreThePreviousSetting() {
        assertNull(Autocast.dtype());
        try (Autocast outer = Autocast.enable(DType.FLOAT16)) {
            assertEquals(DType.FLOAT16, Autocast.dtype());
            try (Autocast inner = Autocast.enable((DType) null)) {
                assertNull(Autocast.dtype());
            }
            assertEquals(DType.FLOAT16, Autocast.dtype());
        }
        assertNull(Autocast.dtype());
    }

    @Test
    void castsAreAutogradOpsAndOnlyFloat32InputsAreCast() {
        try (Scope step = Scope.open(); Autograd grad = Autograd.enableGrad()) {
            Tensor w = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad_(true);
            Tensor x = Tensor.of(new float[] {0.5f, -1, 2}, 1, 3);
            Tensor y;
            try (Autocast ignored = Autocast.enable(DType.FLOAT16)) {
                y = Autocast.linear(x, w, null);
                assertEquals(DType.INT64, Autocast.matmul(Tensor.of(new long[] {2}, 1, 1), Tensor.of(new long[] {3}, 1, 1)).dtype());
            }
            assertEquals(DType.FLOAT32, y.dtype());
            assertArrayEquals(new float[] {4.5f, 9f}, y.toFloatArray());
            y.sum().backward();
            assertArrayEquals(new float[] {0.5f, -1, 2, 0.5f, -1, 2}, w.grad().toFloatArray());
        }
    }

    private record Run(float[] logits, Map<String, float[]> grads) {}

    private static Run run(BertForSequenceClassification model, DType dtype) {
        model.zeroGradients();
        float[] logits;
        try (Scope step = Scope.open(); Autocast ignored = Autocast.enable(dtype)) {
            Tensor loss;
            try (Autograd grad = Autograd.enableGrad()) {
                SequenceClassifierOutput out = model.forward(ids(IDS), null, null, Tensor.of(LABELS), false);
                logits = out.logits().toFloatArray();
                // Loss scaling, as GradScaler does: unscaled, the smallest float16 gradients flush to zero.
                loss = out.loss().mul(LOSS_SCALE);
            }
            loss.backward();
        }
        Map<String, float[]> grads = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> {
            try (Tensor g = p.data().grad()) {
                assertEquals(DType.FLOAT32, g.dtype(), name);
                float[] v = g.toFloatArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] /= LOSS_SCALE;
                }
                grads.put(name, v);
            }
        });
        return new Run(logits, grads);
    }

    /** A {@code [rows, cols]} int64 tensor. */
    static Tensor ids(long[][] rows) {
        long[] flat = new long[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return Tensor.of(flat, rows.length, rows[0].length);
    }
}
