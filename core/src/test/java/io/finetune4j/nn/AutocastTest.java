package io.finetune4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.models.SequenceClassifierOutput;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.models.bert.BertForSequenceClassificationTest;
import io.finetune4j.torch.Autocast;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The models under libtorch's own autocast ({@code torch.autocast("cpu", dtype)}), float16 and bfloat16. */
class AutocastTest {
    private static final long[][] IDS = BertForSequenceClassificationTest.randomIds(3, 10, BertConfig.tiny().vocabSize(), 8);
    private static final long[] LABELS = {1, 0, 1};
    private static final float LOSS_SCALE = 65536f;

    /** bfloat16 keeps 8 bits of mantissa (float16: 11), hence the wider bounds. */
    @ParameterizedTest
    @CsvSource({"FLOAT16, 5e-3, 2e-2", "BFLOAT16, 5e-2, 1e-1"})
    void lowPrecisionMatmulsStayCloseToFloat32AndGradientsReachTheFloat32Weights(DType dtype, double logitTol, double gradTol) {
        try (BertForSequenceClassification model = BertForSequenceClassification.random(BertConfig.tiny(), 3, Device.cpu())) {
            Run full = run(model, null);
            Run low = run(model, dtype);
            assertEquals(dtype, low.logitsDtype, "the classifier is a linear layer: autocast computes it in " + dtype);
            assertEquals(DType.FLOAT32, full.logitsDtype);
            double maxDiff = 0;
            for (int i = 0; i < full.logits.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(full.logits[i] - low.logits[i]));
            }
            assertTrue(maxDiff > 0, dtype + " matmuls must actually run in " + dtype);
            assertTrue(maxDiff < logitTol, "logits differ by " + maxDiff);
            for (Map.Entry<String, float[]> e : full.grads.entrySet()) {
                float[] a = e.getValue();
                float[] b = low.grads.get(e.getKey());
                double num = 0;
                double den = 1e-12;
                for (int i = 0; i < a.length; i++) {
                    num += (a[i] - b[i]) * (double) (a[i] - b[i]);
                    den += a[i] * (double) a[i];
                }
                assertTrue(Math.sqrt(num / den) < gradTol, e.getKey() + ": relative gradient error " + Math.sqrt(num / den));
            }
            for (var p : model.namedParameters().values()) {
                assertEquals(DType.FLOAT32, p.data().dtype(), "master weights stay float32");
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"FLOAT16", "BFLOAT16"})
    void linearRunsInTheAutocastDtypeIntegersAreLeftAloneAndGradientsAreFloat32(DType dtype) {
        try (Scope step = Scope.open(); Autograd grad = Autograd.enableGrad()) {
            Tensor w = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad_(true);
            Tensor x = Tensor.of(new float[] {0.5f, -1, 2}, 1, 3);
            Tensor y;
            try (Autocast ignored = Autocast.enable(Device.Type.CPU, dtype)) {
                y = Tensor.linear(x, w, null);
                assertEquals(DType.INT64, Tensor.of(new long[] {2}, 1, 1).matmul(Tensor.of(new long[] {3}, 1, 1)).dtype());
            }
            assertEquals(dtype, y.dtype());
            assertArrayEquals(new float[] {4.5f, 9f}, y.toFloatArray());
            y.sum().backward();
            assertEquals(DType.FLOAT32, w.grad().dtype());
            assertArrayEquals(new float[] {0.5f, -1, 2, 0.5f, -1, 2}, w.grad().toFloatArray());
        }
    }

    private record Run(float[] logits, DType logitsDtype, Map<String, float[]> grads) {}

    private static Run run(BertForSequenceClassification model, DType dtype) {
        model.zeroGradients();
        float[] logits;
        DType logitsDtype;
        try (Scope step = Scope.open(); Autocast ignored = dtype == null ? null : Autocast.enable(Device.Type.CPU, dtype)) {
            Tensor loss;
            try (Autograd grad = Autograd.enableGrad()) {
                SequenceClassifierOutput out = model.forward(ids(IDS), null, null, Tensor.of(LABELS), false);
                logits = out.logits().toFloatArray();
                logitsDtype = out.logits().dtype();
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
        return new Run(logits, logitsDtype, grads);
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
