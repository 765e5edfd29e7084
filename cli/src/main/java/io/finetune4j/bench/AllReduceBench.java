package io.finetune4j.bench;

import io.finetune4j.BadInputException;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import io.finetune4j.nn.Parameter;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import io.finetune4j.train.distributed.Distributed;
import io.finetune4j.train.distributed.DistributedDataParallel;
import io.finetune4j.train.distributed.DistributedEnv;
import io.finetune4j.util.Gemm;
import io.finetune4j.util.Timing;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench allreduce} under {@code finetune4j launch} (or torchrun's variables): the gradients' all-reduce of one
 * optimizer step exactly as the Trainer runs it, {@link DistributedDataParallel#allReduceGradients} over
 * {@code ddp_bucket_cap_mb} buckets (with find_unused_parameters' mask and the step's stats in the same round, as
 * HF's default), on gradients shaped like the model's parameters. Every rank holds one tensor per parameter (only
 * the shapes are read from the config, no weights loaded) with a gradient of {@code dtype}; each timed iteration
 * starts after a barrier. Reports seconds per all-reduce and nccl-tests' bandwidths: algbw = bytes / time,
 * busbw = algbw × 2(W-1)/W (what each rank's link carries in a ring all-reduce).
 */
public final class AllReduceBench {
    private AllReduceBench() {}

    /** The process's rank and world, or a one-line refusal when it is a single process. */
    public static Distributed join(int timeoutSeconds) {
        DistributedEnv env = DistributedEnv.fromEnvironment();
        if (!env.isDistributed()) {
            throw new BadInputException("bench allreduce needs several ranks: run it as finetune4j launch --nproc_per_node 2 bench allreduce "
                    + "(or under torchrun's variables, WORLD_SIZE >= 2)");
        }
        return Distributed.join(env, "gloo", timeoutSeconds, io.finetune4j.torch.Device.cpu());
    }

    /** Runs on every rank; every rank returns the same result (rank 0 prints it). */
    public static BenchResult run(Distributed dist, BenchModel spec, DType dtype, Integer bucketCapMb, int warmup, int repeat) throws Exception {
        if (dtype != DType.FLOAT32 && dtype != DType.BFLOAT16 && dtype != DType.FLOAT16) {
            throw new BadInputException("--dtype must be float32, bfloat16 or float16, got " + dtype);
        }
        if (bucketCapMb != null && bucketCapMb < 1) {
            throw new BadInputException("--bucket_cap_mb must be >= 1, got " + bucketCapMb);
        }
        SequenceClassificationModel shapes = AutoModelForSequenceClassification.shapesOnly(spec.config());
        List<Parameter> params = new ArrayList<>();
        long bytes = 0;
        long numel = 0;
        try (Scope scope = Scope.open()) {
            for (Map.Entry<String, Parameter> e : shapes.namedParameters().entrySet()) {
                long[] shape = e.getValue().shape();
                Tensor data = Tensor.zeros(dtype, shape);
                Parameter p = Parameter.of(e.getKey(), e.getValue().type(), data);
                data.setGrad(Tensor.randn(dtype, shape));
                params.add(p);
                long n = data.numel();
                numel += n;
                bytes += n * dtype.itemSize();
            }
            // the buckets after the backward (no Reducer): the all-reduce alone, timed
            DistributedDataParallel ddp = new DistributedDataParallel(dist.group(), bucketCapMb, true, false);
            int world = dist.worldSize();
            double[] stats = {1, 2, 3, 4};
            double[] seconds = new double[repeat];
            for (int i = -warmup; i < repeat; i++) {
                dist.group().barrier(); // every rank starts the round together (the barrier is not timed)
                long t0 = System.nanoTime();
                ddp.allReduceGradients(params, stats);
                if (i >= 0) {
                    seconds[i] = (System.nanoTime() - t0) / 1e9;
                }
            }
            // the slowest rank's time is the all-reduce's: take each iteration's max over ranks
            Tensor mine = Tensor.of(seconds, repeat);
            Tensor all = dist.group().allGather(mine);
            double[] flat = all.toDoubleArray();
            List<Double> slowest = new ArrayList<>();
            for (int i = 0; i < repeat; i++) {
                double max = 0;
                for (int r = 0; r < world; r++) {
                    max = Math.max(max, flat[r * repeat + i]);
                }
                slowest.add(max);
            }
            Timing over = new Timing(slowest);
            double busFactor = 2.0 * (world - 1) / world;
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("model", spec.label());
            p.put("num_hidden_layers", spec.config().numHiddenLayers());
            p.put("dtype", dtype.toString());
            p.put("bucket_cap_mb", bucketCapMb != null ? bucketCapMb : DistributedDataParallel.DEFAULT_BUCKET_CAP_MB);
            p.put("world_size", world);
            p.put("backend", "gloo");
            p.put("master_addr", dist.env().masterAddr());
            p.put("warmup", warmup);
            p.put("repeat", repeat);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("parameters", numel);
            m.put("bytes", bytes);
            m.put("s_median", round4(over.median()));
            m.put("s_min", round4(over.min()));
            m.put("s_max", round4(over.max()));
            m.put("algbw_gbytes_per_s", Gemm.round(bytes / over.median() / 1e9));
            m.put("busbw_gbytes_per_s", Gemm.round(bytes / over.median() * busFactor / 1e9));
            m.put("busbw_gbit_per_s", Gemm.round(8 * bytes / over.median() * busFactor / 1e9));
            return new BenchResult("allreduce", p, m, MachineLine.describe("cpu"), java.time.Instant.now().toString());
        }
    }

    private static double round4(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
