package io.finetune4j.nn;

import io.finetune4j.BadInputException;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Tensor;
import java.util.List;

/**
 * HF's {@code config._attn_implementation} for one model: {@code "eager"} (softmax(q·kᵀ/√d + mask)·v written out, HF's
 * {@code eager_attention_forward}), {@code "sdpa"} (torch's fused {@code scaled_dot_product_attention}) or null for
 * auto. One holder is made per model build ({@link ParameterFactory#attnImplementation()}) and every attention module
 * of that model keeps it and reads it at forward time, so {@code model.setAttnImplementation("sdpa")} (HF's
 * {@code set_attn_implementation}) switches a loaded model, and two models never share the setting. Like HF, it is not
 * written to config.json.
 *
 * <p>Auto (unset) picks the faster one for the input's device and dtype, measured (docs/BENCHMARKS.md, "Attention:
 * eager vs sdpa"; BERT-base-shaped layers, forward + backward, 16 × 128 and 16 × 160, Intel Xeon, 2 cores):
 * <ul>
 *   <li>CUDA: sdpa (HF's default where the model supports it; fused kernels);</li>
 *   <li>CPU under bf16/fp16 autocast ({@code torch.Autocast} or the casting {@link Autocast}): eager (libtorch 2.10's
 *       CPU sdpa in bf16 measured 1.5–2.3× slower than eager on the Xeon, 1.14–1.24× on an AMD EPYC);</li>
 *   <li>CPU float32: sdpa (1.02–1.03× eager when training with dropout, 1.14× without dropout as in evaluation;
 *       1.06× on the EPYC; HF's default).</li>
 * </ul>
 * It is resolved per forward from the input and the autocast state, so one model trains under bf16 autocast with eager
 * and evaluates in float32 with sdpa.
 */
public final class AttnImplementation {
    public static final String EAGER = "eager";
    public static final String SDPA = "sdpa";
    /** The values {@code attn_implementation} accepts (null or "auto": choose per device and dtype). */
    public static final List<String> ALLOWED = List.of(EAGER, SDPA);

    private String requested;

    /** Auto until {@link #set}. */
    public AttnImplementation() {}

    /**
     * {@code value} checked: eager, sdpa, or null/"auto" for the default. flash_attention_2/3 and flex_attention are
     * refused with one line (HF's CUDA kernels from the flash-attn package; libtorch's C++ API here has none of them).
     */
    public static String validate(String value) {
        if (value == null || value.isEmpty() || value.equals("auto")) {
            return null;
        }
        if (ALLOWED.contains(value)) {
            return value;
        }
        if (value.startsWith("flash_attention") || value.equals("flex_attention")) {
            throw new BadInputException("attn_implementation '" + value + "' is not available: it needs the flash-attn/flex kernels of "
                    + "Python's torch, which libtorch's C++ API here does not have; use eager or sdpa (sdpa runs torch's fused kernels)");
        }
        throw new BadInputException("attn_implementation must be eager or sdpa (or unset for the faster one on the device), not '" + value + "'");
    }

    /** Sets {@code value} (validated as {@link #validate}); null or "auto" go back to the default. */
    public void set(String value) {
        requested = validate(value);
    }

    /** What was asked for: eager, sdpa, or null (auto). */
    public String requested() {
        return requested;
    }

    /** True when attention over {@code q} should run torch's fused sdpa now (the rule in the class Javadoc). */
    public boolean useSdpa(Tensor q) {
        if (requested != null) {
            return requested.equals(SDPA);
        }
        return resolveAuto(q.device().isCuda() ? Device.Type.CUDA : Device.Type.CPU).equals(SDPA);
    }

    /** What auto resolves to on {@code device} with this thread's autocast state. */
    public static String resolveAuto(Device.Type device) {
        if (device == Device.Type.CUDA) {
            return SDPA;
        }
        boolean lowPrecision = io.finetune4j.torch.Autocast.isEnabled(Device.Type.CPU);
        return lowPrecision ? EAGER : SDPA;
    }

    /** What runs now on the CPU in float32 (for printing): the requested one, or what auto gives there. */
    public String describe() {
        return requested != null ? requested : "auto (sdpa on CUDA and CPU float32, eager under CPU autocast)";
    }

    @Override
    public String toString() {
        return requested != null ? requested : "auto";
    }
}
