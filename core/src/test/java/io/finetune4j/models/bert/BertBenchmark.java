package io.finetune4j.models.bert;

import io.finetune4j.models.SequenceClassifierOutput;
import io.finetune4j.nn.Parameter;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import io.finetune4j.torch.Torch;
import io.finetune4j.util.MachineInfo;
import java.util.Locale;
import java.util.Random;

/**
 * Not a test: times one training step (forward, cross-entropy, backward, plain SGD update) of a
 * randomly initialised BERT-base at batch 16 × 160 and an eval forward at 64 × 160 on the CPU.
 * Run: java -Dai.djl.offline=true -cp target/classes:target/test-classes:$(cat target/cp.txt) io.finetune4j.models.bert.BertBenchmark [steps] [config]
 */
public final class BertBenchmark {
    public static void main(String[] args) {
        Torch.load();
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        BertConfig config = args.length > 1 && args[1].equals("tiny") ? BertConfig.tiny() : BertConfig.base();
        int batch = 16;
        int seq = Math.min(160, config.maxPositionEmbeddings());
        System.out.printf(Locale.ROOT, "cpu: %s, cores %d, intra-op threads %d, grad mode at start %s%n", MachineInfo.cpuModel(),
                Runtime.getRuntime().availableProcessors(), Torch.numThreads(), Autograd.isEnabled());
        long t0 = System.nanoTime();
        try (BertForSequenceClassification model = BertForSequenceClassification.random(config, 42, Device.cpu())) {
            System.out.printf(Locale.ROOT, "init %.1f s, %s%n", (System.nanoTime() - t0) / 1e9, model.trainableParametersLine());
            Random r = new Random(1);
            for (int s = 0; s <= steps; s++) {
                long start = System.nanoTime();
                try (Scope step = Scope.open(); Autograd grad = Autograd.enableGrad()) {
                    Tensor ids = randomIds(r, batch, seq, config.vocabSize());
                    Tensor mask = Tensor.ones(DType.INT64, batch, seq);
                    long[] labels = new long[batch];
                    for (int i = 0; i < batch; i++) {
                        labels[i] = r.nextInt(2);
                    }
                    long fs = System.nanoTime();
                    SequenceClassifierOutput out = model.forward(ids, null, mask, Tensor.of(labels), true);
                    double loss = out.loss().item();
                    long fe = System.nanoTime();
                    out.loss().backward();
                    long be = System.nanoTime();
                    sgd(model, 1e-5f);
                    model.zeroGradients();
                    double secs = (System.nanoTime() - start) / 1e9;
                    System.out.printf(Locale.ROOT, "train step %d%s: %.2f s (forward %.2f, backward %.2f) loss %.4f -> %.2f samples/s%n", s,
                            s == 0 ? " (warm-up)" : "", secs, (fe - fs) / 1e9, (be - fe) / 1e9, loss, batch / secs);
                }
            }
            int evalBatch = 64;
            for (int s = 0; s < 2; s++) {
                long start = System.nanoTime();
                try (Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
                    Tensor ids = randomIds(r, evalBatch, seq, config.vocabSize());
                    Tensor mask = Tensor.ones(DType.INT64, evalBatch, seq);
                    float[] logits = model.logits(ids, null, mask, false).toFloatArray();
                    double secs = (System.nanoTime() - start) / 1e9;
                    System.out.printf(Locale.ROOT, "eval %d: %d x %d in %.2f s -> %.1f sequences/s (logit[0]=%.4f)%n", s, evalBatch, seq, secs,
                            evalBatch / secs, logits[0]);
                }
            }
        }
        System.out.printf(Locale.ROOT, "peak RSS %s%n", MachineInfo.humanBytes(MachineInfo.peakRssBytes()));
    }

    private static Tensor randomIds(Random r, int batch, int seq, int vocab) {
        long[] ids = new long[batch * seq];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1 + r.nextInt(vocab - 1);
        }
        return Tensor.of(ids, batch, seq);
    }

    /** Plain SGD in no-grad mode (an optimizer's update must not enter the autograd graph). */
    private static void sgd(BertForSequenceClassification model, float lr) {
        try (Autograd noGrad = Autograd.noGrad()) {
            for (Parameter p : model.namedParameters().values()) {
                Tensor g = p.data().grad();
                if (g != null) {
                    p.data().sub_(g.mul(lr));
                }
            }
        }
    }
}
