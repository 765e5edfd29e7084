package io.finetune4j.models.bert;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.finetune4j.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.finetune4j.models.SequenceClassifierOutput;
import io.finetune4j.nn.Losses;
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
        io.finetune4j.util.Devices.engine();
        if (args.length > 0 && args[0].equals("compare")) {
            compare(args.length > 1 ? Integer.parseInt(args[1]) : 2);
            return;
        }
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        BertConfig config = args.length > 1 && args[1].equals("tiny") ? BertConfig.tiny() : BertConfig.base();
        int batch = 16;
        int seq = Math.min(160, config.maxPositionEmbeddings());
        System.out.printf(Locale.ROOT, "cpu: %s, cores %d, intra-op threads %d, grad mode at start %s%n", MachineInfo.cpuModel(),
                Runtime.getRuntime().availableProcessors(), JniUtils.getNumThreads(), JniUtils.isGradMode());
        long t0 = System.nanoTime();
        try (BertForSequenceClassification model = BertForSequenceClassification.random(config, 42, Device.cpu())) {
            System.out.printf(Locale.ROOT, "init %.1f s, %s%n", (System.nanoTime() - t0) / 1e9, model.trainableParametersLine());
            Random r = new Random(1);
            for (int s = 0; s <= steps; s++) {
                long start = System.nanoTime();
                try (NDManager step = model.manager().newSubManager();
                        GradientCollector gc = model.manager().getEngine().newGradientCollector()) {
                    NDArray ids = step.randomInteger(1, config.vocabSize(), new ai.djl.ndarray.types.Shape(batch, seq), ai.djl.ndarray.types.DataType.INT64);
                    NDArray mask = step.ones(new ai.djl.ndarray.types.Shape(batch, seq), ai.djl.ndarray.types.DataType.INT64);
                    long[] labels = new long[batch];
                    for (int i = 0; i < batch; i++) {
                        labels[i] = r.nextInt(2);
                    }
                    long fs = System.nanoTime();
                    SequenceClassifierOutput out = model.forward(ids, null, mask, step.create(labels), true);
                    float loss = out.loss().getFloat();
                    long fe = System.nanoTime();
                    gc.backward(out.loss());
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
                try (NDManager step = model.manager().newSubManager()) {
                    NDArray ids = step.randomInteger(1, config.vocabSize(), new ai.djl.ndarray.types.Shape(evalBatch, seq), ai.djl.ndarray.types.DataType.INT64);
                    NDArray mask = step.ones(new ai.djl.ndarray.types.Shape(evalBatch, seq), ai.djl.ndarray.types.DataType.INT64);
                    float[] logits = model.logits(ids, null, mask, false).toFloatArray();
                    double secs = (System.nanoTime() - start) / 1e9;
                    System.out.printf(Locale.ROOT, "eval %d: %d x %d in %.2f s -> %.1f sequences/s (logit[0]=%.4f)%n", s, evalBatch, seq, secs,
                            evalBatch / secs, logits[0]);
                }
            }
        }
        System.out.printf(Locale.ROOT, "peak RSS %s%n", MachineInfo.humanBytes(MachineInfo.peakRssBytes()));
    }

    /**
     * The same training step with DJL's own BertBlock (base) + a linear classifier, alternated with ours so that
     * both see the same machine load: {@code BertBenchmark compare STEPS}.
     */
    static void compare(int steps) {
        int batch = 16;
        int seq = 160;
        BertConfig config = BertConfig.base();
        try (BertForSequenceClassification ours = BertForSequenceClassification.random(config, 42, Device.cpu());
                NDManager djlManager = NDManager.newBaseManager(Device.cpu())) {
            ai.djl.nn.transformer.BertBlock block = ai.djl.nn.transformer.BertBlock.builder().base().setTokenDictionarySize(config.vocabSize())
                    .optMaxSequenceLength(seq).build(); // BertBlock only runs at exactly its max length
            ai.djl.ndarray.types.Shape s = new ai.djl.ndarray.types.Shape(batch, seq);
            block.initialize(djlManager, ai.djl.ndarray.types.DataType.FLOAT32, s, s, s);
            NDArray w = djlManager.randomNormal(0, 0.02f, new ai.djl.ndarray.types.Shape(2, 768), ai.djl.ndarray.types.DataType.FLOAT32);
            NDArray b = djlManager.zeros(new ai.djl.ndarray.types.Shape(2));
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(djlManager, false);
            for (int i = 0; i <= steps; i++) {
                for (String who : new String[] {"finetune4j", "djl BertBlock"}) {
                    long start = System.nanoTime();
                    try (NDManager step = djlManager.newSubManager();
                            GradientCollector gc = djlManager.getEngine().newGradientCollector()) {
                        NDArray ids = step.randomInteger(1, config.vocabSize(), s, ai.djl.ndarray.types.DataType.INT64);
                        NDArray types = step.zeros(s, ai.djl.ndarray.types.DataType.INT64);
                        NDArray mask = step.ones(s, ai.djl.ndarray.types.DataType.INT64);
                        NDArray labels = step.create(new long[] {0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0});
                        NDArray loss;
                        if (who.equals("finetune4j")) {
                            loss = ours.forward(ids, types, mask, labels, true).loss();
                        } else {
                            ai.djl.ndarray.NDList out = block.forward(ps, new ai.djl.ndarray.NDList(ids, types, mask), true);
                            NDArray logits = ai.djl.nn.core.Linear.linear(out.get(1), w, b).singletonOrThrow();
                            loss = Losses.crossEntropy(logits, labels, 0f);
                        }
                        gc.backward(loss);
                    }
                    if (who.equals("finetune4j")) {
                        ours.zeroGradients();
                    } else {
                        for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : block.getParameters()) {
                            NDArray a = p.getValue().getArray();
                            if (a.hasGradient()) {
                                try (NDArray g = a.getGradient()) {
                                    g.subi(g);
                                }
                            }
                        }
                    }
                    double secs = (System.nanoTime() - start) / 1e9;
                    System.out.printf(Locale.ROOT, "%-14s step %d%s: %.2f s -> %.2f samples/s (load %.1f)%n", who, i, i == 0 ? " (warm-up)" : "", secs,
                            batch / secs, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                }
            }
        }
        System.out.printf(Locale.ROOT, "peak RSS %s%n", MachineInfo.humanBytes(MachineInfo.peakRssBytes()));
    }

    /** Plain SGD in no-grad mode (an optimizer's update must not enter the autograd graph). */
    private static void sgd(BertForSequenceClassification model, float lr) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (Parameter p : model.namedParameters().values()) {
                NDArray w = p.getArray();
                if (w.hasGradient()) {
                    try (NDArray g = w.getGradient(); NDArray upd = g.mul(lr)) {
                        w.subi(upd);
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
    }
}
