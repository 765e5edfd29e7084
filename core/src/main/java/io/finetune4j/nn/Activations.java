package io.finetune4j.nn;

import ai.djl.ndarray.NDArray;
import io.finetune4j.BadInputException;
import java.util.List;

/** HF's {@code ACT2FN}: the activation a config names in {@code hidden_act} / {@code activation}. */
public final class Activations {
    public static final List<String> NAMES = List.of("gelu", "relu", "gelu_new", "gelu_pytorch_tanh", "tanh");

    private Activations() {}

    /** The module for {@code name}; an unknown name is one line listing the supported ones. */
    public static Activation get(String name) {
        return switch (name) {
            case "gelu" -> new GELUActivation();
            case "relu" -> new ReLU();
            case "gelu_new", "gelu_pytorch_tanh" -> new NewGELUActivation();
            case "tanh" -> new Tanh();
            default -> throw new BadInputException("activation '" + name + "' is not supported; use one of " + String.join(", ", NAMES));
        };
    }

    /** Whether {@link #get} knows {@code name}. */
    public static boolean supports(String name) {
        return NAMES.contains(name);
    }

    /** torch's {@code nn.ReLU}. */
    public static final class ReLU extends Activation {
        @Override
        public NDArray forward(NDArray x) {
            return x.getNDArrayInternal().relu();
        }
    }

    /** HF's {@code NewGELUActivation}: the tanh approximation {@code ½x(1 + tanh(√(2/π)(x + 0.044715x³)))}. */
    public static final class NewGELUActivation extends Activation {
        private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

        @Override
        public NDArray forward(NDArray x) {
            NDArray inner = Scalars.mul(x.add(Scalars.mul(x.pow(Scalars.of(x, 3)), 0.044715)), SQRT_2_OVER_PI);
            return Scalars.mul(x, 0.5).mul(Scalars.add(inner.tanh(), 1.0));
        }

        @Override
        protected String typeName() {
            return "NewGELUActivation";
        }
    }
}
