package io.finetune4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parameters come from the checkpoint (shape checked) or HF's init, on a torch device, and outlive every step scope. */
class ParameterFactoryTest {
    @Test
    void checkpointValuesWinTheRestIsInitialisedAndRecordedAsMissing() {
        Map<String, io.finetune4j.io.Tensor> weights = Map.of("dense.weight", io.finetune4j.io.Tensor.ofFloats(new long[] {2, 3},
                new float[] {1, 2, 3, 4, 5, 6}));
        ParameterFactory f = ParameterFactory.fromCheckpoint(Device.cpu(), 7, 0.02, weights);
        TorchLinear dense;
        try (Scope step = Scope.open()) {
            dense = new TorchLinear(f.child("dense"), 3, 2); // made inside a step's scope, still kept by the model
        }
        try {
            assertFalse(dense.weight().data().isClosed());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, dense.weight().data().toFloatArray());
            assertArrayEquals(new float[2], dense.bias().data().toFloatArray());
            assertEquals(DType.FLOAT32, dense.weight().data().dtype());
            assertTrue(dense.weight().requiresGrad() && dense.weight().data().requiresGrad());
            assertEquals(List.of("dense.bias"), f.missing());
            assertEquals(java.util.Set.of("dense.weight"), f.used());
            try (Scope step = Scope.open(); Autograd g = Autograd.noGrad()) {
                Tensor y = dense.forward(Tensor.of(new float[] {1, 0, -1}, 1, 3));
                assertArrayEquals(new float[] {-2, -2}, y.toFloatArray());
            }
        } finally {
            dense.weight().close();
            dense.bias().close();
        }
    }

    @Test
    void aCheckpointShapeThatDisagreesWithTheConfigIsOneLine() {
        Map<String, io.finetune4j.io.Tensor> weights = Map.of("w.weight", io.finetune4j.io.Tensor.ofFloats(new long[] {3}, new float[3]));
        ParameterFactory f = ParameterFactory.fromCheckpoint(Device.cpu(), 7, 0.02, weights);
        BadInputException e = assertThrows(BadInputException.class,
                () -> f.child("w").create("weight", new long[] {4}, ParameterFactory.Init.ONES, Parameter.Type.GAMMA));
        assertTrue(e.getMessage().contains("checkpoint tensor 'w.weight' has shape [3] but the config needs [4]"), e.getMessage());
    }

    @Test
    void randomInitIsRepeatableAndShapesOnlyAllocatesNothing() {
        Parameter a = ParameterFactory.random(Device.cpu(), 3, 0.02).create("x.weight", new long[] {4, 2}, ParameterFactory.Init.NORMAL, Parameter.Type.WEIGHT);
        Parameter b = ParameterFactory.random(Device.cpu(), 3, 0.02).create("x.weight", new long[] {4, 2}, ParameterFactory.Init.NORMAL, Parameter.Type.WEIGHT);
        try (a; b) {
            assertArrayEquals(a.data().toFloatArray(), b.data().toFloatArray());
        }
        ParameterFactory shapes = ParameterFactory.shapesOnly();
        Parameter s = new TorchLayerNorm(shapes.child("norm"), 5, 1e-12).namedParameters().get("weight");
        assertFalse(shapes.allocates());
        assertFalse(s.hasData());
        assertArrayEquals(new long[] {5}, s.shape());
        assertEquals("norm.weight", s.name());
    }
}
