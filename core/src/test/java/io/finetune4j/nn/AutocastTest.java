package io.finetune4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.finetune4j.models.SequenceClassifierOutput;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.models.bert.BertForSequenceClassificationTest;
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
            Run half = run(model, DataType.FLOAT16);
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
                assertEquals(DataType.FLOAT32, p.getArray().getDataType(), "master weights stay float32");
            }
        }
    }

    @Test
    void scopesNestAndRestoreThePreviousSetting() {
        assertNull(Autocast.dtype());
        try (Autocast outer = Autocast.enable(DataType.FLOAT16)) {
            assertEquals(DataType.FLOAT16, Autocast.dtype());
            try (Autocast inner = Autocast.enable(null)) {
                assertNull(Autocast.dtype());
            }
            assertEquals(DataType.FLOAT16, Autocast.dtype());
        }
        assertNull(Autocast.dtype());
    }

    private record Run(float[] logits, Map<String, float[]> grads) {}

    private static Run run(BertForSequenceClassification model, DataType dtype) {
        model.zeroGradients();
        float[] logits;
        try (NDManager step = model.manager().newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector();
                Autocast ignored = Autocast.enable(dtype)) {
            SequenceClassifierOutput out = model.forward(step.create(IDS), null, null, step.create(LABELS), false);
            logits = out.logits().toFloatArray();
            // Loss scaling, as GradScaler does: unscaled, the smallest float16 gradients flush to zero.
            gc.backward(Scalars.mul(out.loss().nd(), LOSS_SCALE)); // BRIDGE
        }
        Map<String, float[]> grads = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> {
            try (NDArray g = p.getArray().getGradient()) {
                assertEquals(DataType.FLOAT32, g.getDataType(), name);
                float[] v = g.toFloatArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] /= LOSS_SCALE;
                }
                grads.put(name, v);
            }
        });
        return new Run(logits, grads);
    }
}
