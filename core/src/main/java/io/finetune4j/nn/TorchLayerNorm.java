package io.finetune4j.nn;

import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.util.Locale;

/** torch's {@code nn.LayerNorm} over the last dimension (libtorch's layer_norm kernel). */
public final class TorchLayerNorm extends Module {
    private final int size;
    private final double eps;
    private final Parameter weight;
    private final Parameter bias;
    private Tensor zeroBias;

    public TorchLayerNorm(ParameterFactory f, int size, double eps) {
        this(f, size, eps, true);
    }

    /** torch's {@code nn.LayerNorm(size, eps, bias=hasBias)}: without a bias there is no {@code bias} parameter (ModernBERT's norms). */
    public TorchLayerNorm(ParameterFactory f, int size, double eps, boolean hasBias) {
        this.size = size;
        this.eps = eps;
        this.weight = register("weight", f.create("weight", new long[] {size}, ParameterFactory.Init.ONES, Parameter.Type.GAMMA));
        this.bias = hasBias ? register("bias", f.create("bias", new long[] {size}, ParameterFactory.Init.ZEROS, Parameter.Type.BETA)) : null;
    }

    /** Normalizes over the last dimension ({@code size}). */
    public Tensor forward(Tensor x) {
        Tensor beta;
        if (bias != null) {
            beta = bias.data();
        } else {
            if (zeroBias == null) {
                // libtorch's layer_norm takes no null bias: a constant zero (no parameter) that lives as long as the weight,
                // so it is taken out of any scope the first forward runs in.
                zeroBias = Scope.detachFromScopes(weight.data().zerosLike());
            }
            beta = zeroBias;
        }
        return Tensor.layerNorm(x, weight.data(), beta, eps);
    }

    @Override
    protected String typeName() {
        return "LayerNorm";
    }

    @Override
    protected String extraRepr() {
        return "(" + size + ",), eps=" + pythonFloat(eps) + ", elementwise_affine=True";
    }

    /** Python's repr of a float such as 1e-12 (what torch prints). */
    public static String pythonFloat(double v) {
        String s = Double.toString(v);
        if (s.contains("E")) {
            String[] parts = s.split("E");
            String mant = parts[0].endsWith(".0") ? parts[0].substring(0, parts[0].length() - 2) : parts[0];
            int exp = Integer.parseInt(parts[1]);
            return mant + "e" + (exp < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exp));
        }
        return s;
    }

}
