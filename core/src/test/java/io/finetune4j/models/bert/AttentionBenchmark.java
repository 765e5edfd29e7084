package io.finetune4j.models.bert;

import io.finetune4j.nn.Attention;
import io.finetune4j.nn.AttnImplementation;
import io.finetune4j.nn.Parameter;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.torch.Autocast;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import io.finetune4j.torch.Torch;
import io.finetune4j.util.MachineInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: eager vs sdpa attention ({@code attn_implementation}) on a BERT-base-shaped layer stack (hidden 768, 12
 * heads, intermediate 3072; the project's own {@link BertEncoder}), forward + backward of a training step (dropout 0.1,
 * a padding mask with a quarter of the rows padded by a quarter), in float32 and under CPU bf16 autocast
 * ({@code torch.Autocast}). The two implementations alternate round by round on one model, so drift in the machine's
 * load hits both. Prints the median seconds per step of each.
 * Run: java -cp target/classes:target/test-classes:$(cat target/cp.txt) io.finetune4j.models.bert.AttentionBenchmark [rounds] [layers] [batch] [seq...]
 */
public final class AttentionBenchmark {
    /** -Dtraining=false: dropout off (the forward an evaluation runs, here with backward too); -Ddtypes=float32 for one dtype. */
    private static final boolean TRAINING = !"false".equals(System.getProperty("training"));
    public static void main(String[] args) {
        Torch.load();
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int layers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        List<Integer> seqs = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            seqs.add(Integer.parseInt(args[i]));
        }
        if (seqs.isEmpty()) {
            seqs = List.of(128, 160);
        }
        System.out.printf(Locale.ROOT, "cpu: %s, cores %d, intra-op threads %d, libtorch %s, native bf16 %s; %d layers, %d rounds%n",
                MachineInfo.cpuModel(), Runtime.getRuntime().availableProcessors(), Torch.numThreads(), Torch.version(),
                Torch.cpuHasNativeBf16(), layers, rounds);
        System.out.println("dropout " + (TRAINING ? "on (training)" : "off"));
        BertConfig config = BertConfig.base().withNumHiddenLayers(layers);
        ParameterFactory f = ParameterFactory.random(Device.cpu(), 42, config.initializerRange());
        BertEncoder encoder = new BertEncoder(config, f);
        AttnImplementation impl = f.attnImplementation();
        try {
            for (int seq : seqs) {
                for (DType dtype : dtypes()) {
                    List<Double> eager = new ArrayList<>();
                    List<Double> sdpa = new ArrayList<>();
                    for (int r = 0; r <= rounds; r++) { // round 0 warms both up
                        for (String which : List.of(AttnImplementation.EAGER, AttnImplementation.SDPA)) {
                            impl.set(which);
                            double s = step(encoder, batch, seq, config.hiddenSize(), dtype);
                            if (r > 0) {
                                (which.equals(AttnImplementation.EAGER) ? eager : sdpa).add(s);
                            }
                        }
                    }
                    double e = median(eager);
                    double d = median(sdpa);
                    impl.set(null);
                    String auto;
                    try (Autocast a = dtype == DType.BFLOAT16 ? Autocast.enable(Device.Type.CPU, dtype) : null) {
                        auto = AttnImplementation.resolveAuto(Device.Type.CPU);
                    }
                    System.out.printf(Locale.ROOT, "%d x %d %-8s eager %.3f s  sdpa %.3f s  (eager/sdpa %.2f; rounds eager %s sdpa %s) auto -> %s%n",
                            batch, seq, dtype == DType.FLOAT32 ? "float32" : "bf16-ac", e, d, e / d, fmt(eager), fmt(sdpa), auto);
                }
            }
        } finally {
            encoder.namedParameters().values().forEach(Parameter::close);
        }
    }

    private static double step(BertEncoder encoder, int batch, int seq, int hidden, DType dtype) {
        long start = System.nanoTime();
        try (Scope s = Scope.open(); Autograd g = Autograd.enableGrad();
                Autocast a = dtype == DType.BFLOAT16 ? Autocast.enable(Device.Type.CPU, dtype) : null) {
            Tensor x = Tensor.randn(DType.FLOAT32, batch, seq, hidden).requiresGrad_(true);
            long[] mask = new long[batch * seq];
            for (int b = 0; b < batch; b++) {
                int len = b % 4 == 0 ? seq - seq / 4 : seq;
                for (int t = 0; t < len; t++) {
                    mask[b * seq + t] = 1;
                }
            }
            Tensor additive = Attention.extendedAttentionMask(Tensor.of(mask, batch, seq));
            Tensor out = encoder.forward(x, additive, TRAINING);
            out.to(DType.FLOAT32).pow(2).mean().backward();
        }
        for (Parameter p : encoder.namedParameters().values()) {
            p.data().zeroGrad();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static List<DType> dtypes() {
        String d = System.getProperty("dtypes", "float32,bf16");
        List<DType> out = new ArrayList<>();
        for (String s : d.split(",")) {
            out.add(s.equals("bf16") ? DType.BFLOAT16 : DType.FLOAT32);
        }
        return out;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    private static String fmt(List<Double> xs) {
        StringBuilder b = new StringBuilder("[");
        for (double x : xs) {
            b.append(b.length() > 1 ? " " : "").append(String.format(Locale.ROOT, "%.3f", x));
        }
        return b.append(']').toString();
    }
}
