package io.finetune4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class GradientsTest {
    @Test
    void zeroClearsInfAndNanGradientsToo() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray x = m.create(new float[] {0f, 1f, 2f}, new Shape(3));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(x.log().sum()); // d/dx log x = 1/x: inf at 0
            }
            try (NDArray g = x.getGradient()) {
                assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, 1f, 0.5f}, g.toFloatArray());
            }
            Gradients.zero(x);
            try (NDArray g = x.getGradient()) {
                assertArrayEquals(new float[] {0f, 0f, 0f}, g.toFloatArray());
            }
        }
    }
}
