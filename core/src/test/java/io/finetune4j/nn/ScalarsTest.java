package io.finetune4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.models.bert.BertForSequenceClassificationTest;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import io.finetune4j.torch.Torch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scalars kept by autograd must not live in Java memory: the JVM frees that memory when the GC runs,
 * possibly between forward and backward. This was the cause of the random NaN losses in long runs, and why
 * {@link Tensor}'s number overloads ({@code x.mul(0.5)}) make their scalar in libtorch.
 */
class ScalarsTest {
    /**
     * The hazard is gone: a tensor made from a Java direct buffer copies it (DJL's borrowed it, and backward read the
     * buffer when it ran, not when the op ran), so a buffer freed and reused after the forward changes nothing.
     */
    @Test
    void tensorsFromJavaBuffersCopyTheBuffer() {
        try (Scope step = Scope.open()) {
            Tensor x = Tensor.ones(DType.FLOAT32, 3).requiresGrad_(true);
            ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
            b.putFloat(0, 3f);
            Tensor s = Tensor.fromBuffer(b, DType.FLOAT32);
            Tensor y;
            try (Autograd grad = Autograd.enableGrad()) {
                y = x.mul(s).sum();
            }
            b.putFloat(0, 1e30f); // what a freed and reused buffer looks like to libtorch
            y.backward();
            assertEquals(3f, x.grad().toFloatArray()[0]);
        }
    }

    @Test
    void scalarGradientsSurviveGarbageCollectionBeforeBackward() throws InterruptedException {
        for (int trial = 0; trial < 5; trial++) {
            try (Scope step = Scope.open()) {
                Tensor x = Tensor.ones(DType.FLOAT32, 3).requiresGrad_(true);
                Tensor y;
                try (Autograd grad = Autograd.enableGrad()) {
                    y = x.mul(3).mul_(2).maximum(-1).add(0.5).sum();
                }
                churn();
                y.backward();
                assertArrayEquals(new float[] {6f, 6f, 6f}, x.grad().toFloatArray(), "trial " + trial);
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
        Torch.manualSeed(11); // same dropout masks both times
        try (Scope step = Scope.open()) {
            Tensor loss;
            try (Autograd grad = Autograd.enableGrad()) {
                loss = model.forward(AutocastTest.ids(ids), null, null, Tensor.of(new long[] {0, 1, 1, 0}), true).loss();
            }
            if (churn) {
                churn();
            }
            loss.backward();
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> {
            try (Tensor g = p.data().grad()) {
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
