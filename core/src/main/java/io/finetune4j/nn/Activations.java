package io.finetune4j.nn;

import io.finetune4j.BadInputException;
import io.finetune4j.torch.Tensor;
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
        public Tensor forward(Tensor x) {
            return x.relu();
        }
    }

    /** HF's {@code NewGELUActivation}: the tanh approximation {@code ½x(1 + tanh(√(2/π)(x + 0.044715x³)))}. */
    public static final class NewGELUActivation extends Activation {
        private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

        @Override
        public Tensor forward(Tensor x) {
            Tensor inner = x.add(x.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI);
            return x.mul(0.5).mul(inner.tanh().add(1.0));
        }

        @Override
        protected String typeName() {
            return "NewGELUActivation";
        }
    }
}
