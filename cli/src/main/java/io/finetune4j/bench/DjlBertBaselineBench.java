package io.finetune4j.bench;

import io.finetune4j.util.Timing;
import io.finetune4j.util.Gemm;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.transformer.BertBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.finetune4j.util.MachineInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The comparator every training report carries: one training step (forward, backward, Adam) of
 * DJL's own {@link BertBlock} with a 2-label head, random init, on the same machine and shapes.
 */
public final class DjlBertBaselineBench {
    private DjlBertBaselineBench() {}

    /** {@code size}: "base" (12 layers, 768) or "tiny" (2 layers, 32; for tests). */
    public static BenchResult run(Device device, String size, int batch, int seqLen, int warmup, int repeat) throws Exception {
        BertBlock.Builder b = BertBlock.builder().setTokenDictionarySize(30522);
        if (size.equals("tiny")) {
            b.optEmbeddingSize(32).optTransformerBlockCount(2).optAttentionHeadCount(2).optHiddenSize(64);
        } else {
            b.base();
        }
        b.optMaxSequenceLength(seqLen); // after base(), which sets its own; BertBlock needs seq == max length
        BertBlock bert = b.build();
        SequentialBlock net = new SequentialBlock()
                .add(bert)
                .add(list -> new NDList(list.get(1))) // pooled [CLS] output
                .add(Linear.builder().setUnits(2).build());
        try (Model model = Model.newInstance("djl-bert-baseline", device)) {
            model.setBlock(net);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(2e-5f)).build())
                    .optDevices(new Device[] {device});
            try (Trainer trainer = model.newTrainer(config)) {
                Shape in = new Shape(batch, seqLen);
                trainer.initialize(in, in, in);
                NDManager manager = trainer.getManager();
                Timing t = Timing.measure(warmup, repeat, () -> {
                    try (NDManager step = manager.newSubManager()) {
                        NDArray ids = step.randomInteger(0, 30522, in, DataType.INT32);
                        NDArray types = step.zeros(in, DataType.INT32);
                        NDArray mask = step.ones(in, DataType.INT32);
                        NDArray labels = step.randomInteger(0, 2, new Shape(batch), DataType.INT32);
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDList out = trainer.forward(new NDList(ids, types, mask));
                            NDArray loss = trainer.getLoss().evaluate(new NDList(labels), out);
                            gc.backward(loss);
                        }
                        trainer.step();
                    }
                });
                Map<String, Object> params = new LinkedHashMap<>();
                params.put("size", size);
                params.put("batch_size", batch);
                params.put("seq_len", seqLen);
                params.put("optimizer", "adam");
                params.put("warmup", warmup);
                params.put("repeat", repeat);
                Map<String, Object> metrics = new LinkedHashMap<>();
                metrics.put("samples_per_s", Gemm.round(batch / t.median()));
                metrics.put("ms_per_step_median", Gemm.round(t.median() * 1e3));
                metrics.put("ms_per_step_min", Gemm.round(t.min() * 1e3));
                metrics.put("ms_per_step_max", Gemm.round(t.max() * 1e3));
                metrics.put("peak_rss_mib", MachineInfo.peakRssBytes() >> 20);
                return new BenchResult("baseline-djl", params, metrics, MachineLine.describe(device.toString()),
                        java.time.Instant.now().toString());
            }
        }
    }
}
