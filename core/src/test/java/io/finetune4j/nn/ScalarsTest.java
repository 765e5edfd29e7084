package io.finetune4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.models.bert.BertForSequenceClassificationTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scalars kept by autograd must not live in Java memory: DJL frees that memory when the GC runs,
 * possibly between forward and backward. This was the cause of the random NaN losses in long runs.
 */
class ScalarsTest {
    /**
     * The hazard itself: a tensor made from a Java direct buffer borrows it, and backward reads it
     * when it runs, not when the op ran. (If DJL starts copying, this fails and {@link Scalars} may go.)
     */
    @Test
    void djlTensorsFromJavaBuffersAreReadAgainAtBackwardTime() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray x = m.ones(new Shape(3));
            x.setRequiresGradient(true);
            ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
            b.putFloat(0, 3f);
            NDArray s = m.create(b, new Shape(), DataType.FLOAT32);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = x.mul(s);
                b.putFloat(0, 1e30f); // what a freed and reused buffer looks like to libtorch
                gc.backward(y.sum());
            }
            assertEquals(1e30f, x.getGradient().getFloat(0));
        }
    }

    @Test
    void scalarGradientsSurviveGarbageCollectionBeforeBackward() throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (int trial = 0; trial < 5; trial++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray x = step.ones(new Shape(3));
                    x.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray y = Scalars.maximum(Scalars.muli(Scalars.mul(x, 3), 2), -1);
                        churn();
                        gc.backward(y.sum());
                    }
                    assertArrayEquals(new float[] {6f, 6f, 6f}, x.getGradient().toFloatArray(), "trial " + trial);
                }
            }
        }
    }

    /** Every scalar in BERT's training forward (attention scale, dropout scale, loss) is GC-proof. */
    @Test
    void bertGradientsDoNotDependOnWhenTheGcRuns() throws InterruptedException {
        BertConfig c = BertConfig.tiny();
        long[][] ids = BertForSequenceClassificationTest.randomIds(4, 12, c.vocabSize(), 3);
        try (BertForSequenceClassification model = BertForSequenceClassification.random(c, 5, Device.cpu())) {
            model.setLabelSmoothing(0.1f);
            Map<String, float[]> quiet = gradients(model, ids, false);
            Map<String, float[]> churned = gradients(model, ids, true);
            for (Map.Entry<String, float[]> e : quiet.entrySet()) {
                assertArrayEquals(e.getValue(), churned.get(e.getKey()), e.getKey());
            }
        }
    }

    private static Map<String, float[]> gradients(BertForSequenceClassification model, long[][] ids, boolean churn)
            throws InterruptedException {
        model.zeroGradients();
        Engine.getInstance().setRandomSeed(11); // same dropout masks both times
        try (NDManager step = model.manager().newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = model.forward(step.create(ids), null, null, step.create(new long[] {0, 1, 1, 0}), true).loss().nd(); // BRIDGE
            if (churn) {
                churn();
            }
            gc.backward(loss);
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> {
            try (NDArray g = p.getArray().getGradient()) {
                out.put(name, g.toFloatArray());
            }
        });
        return out;
    }

    /** Lets the GC free unreachable direct buffers, then refills small malloc chunks with junk. */
    private static void churn() throws InterruptedException {
        System.gc();
        Thread.sleep(30); // the Cleaner thread frees direct buffers after the GC
        List<ByteBuffer> junk = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            ByteBuffer j = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
            j.putFloat(0, 12345f);
            junk.add(j);
        }
    }
}
