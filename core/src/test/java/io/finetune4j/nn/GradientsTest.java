package io.finetune4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import org.junit.jupiter.api.Test;

class GradientsTest {
    @Test
    void zeroClearsInfAndNanGradientsToo() {
        try (Scope step = Scope.open()) {
            Tensor x = Tensor.of(new float[] {0f, 1f, 2f}).requiresGrad_(true);
            Tensor loss;
            try (Autograd grad = Autograd.enableGrad()) {
                loss = x.log().sum(); // d/dx log x = 1/x: inf at 0
            }
            loss.backward();
            try (Tensor g = x.grad()) {
                assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, 1f, 0.5f}, g.toFloatArray());
            }
            Gradients.zero(x);
            try (Tensor g = x.grad()) {
                assertArrayEquals(new float[] {0f, 0f, 0f}, g.toFloatArray());
            }
        }
    }

    @Test
    void zeroOfAParameterWithoutGradientIsNothing() {
        try (Scope step = Scope.open()) {
            Parameter p = Parameter.of("w", Parameter.Type.WEIGHT, Tensor.of(new float[] {1f, 2f}));
            Gradients.zero(p); // no backward yet: no gradient to clear
            Gradients.zero(Parameter.shapeOnly("s", Parameter.Type.WEIGHT, 2));
            assertArrayEquals(new float[] {1f, 2f}, p.data().toFloatArray());
        }
    }
}
