package io.finetune4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.BadInputException;
import io.finetune4j.io.Environment;
import io.finetune4j.torch.Device;
import io.finetune4j.bench.AllReduceBench;
import io.finetune4j.bench.GemmBench;
import io.finetune4j.bench.BenchModel;
import io.finetune4j.bench.BenchReport;
import io.finetune4j.bench.BenchResult;
import io.finetune4j.bench.ForwardBench;

import io.finetune4j.bench.MachineLine;
import io.finetune4j.bench.PipelineBench;
import io.finetune4j.bench.TokenizeBench;
import io.finetune4j.bench.MemoryBench;
import io.finetune4j.bench.TrainStepBench;
import io.finetune4j.io.hub.PretrainedModels;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import io.finetune4j.pipeline.InferenceArguments;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Reproducible speed numbers: {@code bench CASE [--json]}. Each result carries its machine line;
 * {@code bench report results.jsonl} turns collected JSON lines into the Markdown of docs/BENCHMARKS.md.
 */
@Command(name = "bench", description = {"Benchmarks: gemm, forward, train-step, memory, tokenize, pipeline, allreduce, or 'report FILE.jsonl' to render Markdown.",
        "With --json: one JSON object per case, one line each.",
        "allreduce runs as ranks: finetune4j launch --nproc_per_node 2 bench allreduce [--size base|--model M] [--dtype float32|bfloat16]",
        "[--bucket_cap_mb 25] [--iterations N]; rank 0 prints the gradients' all-reduce time and bandwidths (docs/DISTRIBUTED.md)."},
        modelTransformer = BenchCommand.BenchOptions.class)
final class BenchCommand implements Callable<Integer> {
    /** The tokens per review of the tokenize and pipeline cases unless --max_seq_length says otherwise: the seed's max_length. */
    static final int SEED_MAX_LENGTH = 160;

    static final List<String> CASES = List.of("gemm", "forward", "train-step", "memory", "tokenize", "pipeline", "allreduce", "report");

    @Parameters(index = "0", paramLabel = "CASE", description = "gemm | forward | train-step | memory | tokenize | pipeline | allreduce | report")
    String benchCase;

    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", description = "For report: a JSON-lines file of results.")
    Path file;

    @Mixin
    JsonOption json;

    @Option(names = "--warmup", defaultValue = "1", description = "Untimed iterations first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = {"--repeat", "--iterations"}, defaultValue = "5", description = "Timed iterations (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--batch_size", description = "Batch size (default 16; 64 for forward).")
    Integer batchSize;

    @Option(names = "--seq_len", description = "Sequence length (default 160, capped at the model's max_position_embeddings).")
    Integer seqLen;

    @Option(names = "--size", description = "Random-init model size: base or tiny (default base; tiny for memory).")
    String size;

    @Mixin
    InferenceOptions.Model model;

    /** Bench's --model is optional (random-init weights of --size without it); its tokenize and pipeline cases read 160 tokens unless told. */
    static final class BenchOptions implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            InferenceOptions.adjust(spec, "--model", b -> b.required(false)
                    .description("Pretrained weights (a folder or bert-base-uncased) instead of a random-init --size."));
            return InferenceOptions.adjust(spec, "--max_seq_length", b -> b.description("tokenize and pipeline: tokens per review (default "
                    + SEED_MAX_LENGTH + ")."));
        }
    }

    @Option(names = "--num_hidden_layers", paramLabel = "N", description = "Keep only the first N encoder layers.")
    Integer numHiddenLayers;

    @Option(names = "--steps", defaultValue = "500", description = "Training steps of the memory case (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--fp16", description = "gemm: also a float16 matmul; train-step: also measure the fp16=true step (float16 matmuls, loss scaling); on a GPU this is measured by default. Slow on a CPU, which has no fast float16 matmul.")
    boolean fp16;

    @Option(names = "--bf16", description = "gemm: also a bfloat16 matmul; train-step: also measure the bf16=true step (bfloat16 autocast on float32 weights, no loss scaling), MFU against the bfloat16 matmul of the same run. Fast on GPUs and on CPUs with native bf16 (avx512_bf16 or AMX; see doctor).")
    boolean bf16;

    @Option(names = "--gradient_checkpointing", description = "train-step: the step with gradient_checkpointing=true (layers recomputed in the backward); compare peak_rss_mib with a run without it, one run per process.")
    boolean gradientCheckpointing;

    @Option(names = "--texts", defaultValue = "0", description = "tokenize: first N train reviews (0 = all 25,000); pipeline: N test reviews (0 = 512).")
    int texts;

    @Mixin
    InferenceOptions.MaxSeqLength maxSeqLength;

    @Option(names = {"--dataset_name", "--dataset"}, defaultValue = "imdb", description = "tokenize and pipeline: the data set (default ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--runtime", split = ",", defaultValue = "torch", paramLabel = "torch|onnx|onnx-int8",
            description = "pipeline: runtimes to compare on the same texts, comma-separated (default ${DEFAULT-VALUE}); onnx ones export the model to a temporary folder first.")
    List<String> runtimes;

    @Option(names = "--profile", paramLabel = "DIR",
            description = "pipeline: one more pass per runtime that says where the time goes (tokenize vs model, the model's time by op type from libtorch's or ONNX Runtime's profiler); traces kept in DIR.")
    java.nio.file.Path profileDir;

    @Mixin
    InferenceOptions.UseCpu useCpu;

    @Option(names = "--gemm", defaultValue = "2560,768,3072", description = "M,K,N of the gemm case (default ${DEFAULT-VALUE}).")
    String gemmShape;

    @Option(names = {"--bucket_cap_mb", "--ddp_bucket_cap_mb"}, paramLabel = "MB",
            description = "allreduce: gradient bucket size, as ddp_bucket_cap_mb (default " + io.finetune4j.train.distributed.DistributedDataParallel.DEFAULT_BUCKET_CAP_MB + ", torch's).")
    Integer bucketCapMb;

    @Option(names = "--dtype", defaultValue = "float32", paramLabel = "float32|bfloat16",
            description = "allreduce: the gradients' dtype (default ${DEFAULT-VALUE}; bfloat16 moves half the bytes).")
    String dtype;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        InferenceArguments inference = InferenceOptions.arguments(maxSeqLength, useCpu);
        String model = this.model.model;
        int maxLength = inference.maxSeqLength() != null ? inference.maxSeqLength() : SEED_MAX_LENGTH;
        boolean useCpu = inference.useCpu();
        if (warmup < 0 || repeat < 1) {
            throw new BadInputException("--warmup must be >= 0 and --repeat >= 1, got " + warmup + " and " + repeat);
        }
        if (benchCase.equals("report")) {
            if (file == null) {
                throw new BadInputException("bench report needs a FILE of JSON lines (from bench CASE --json >> FILE)");
            }
            out.print(BenchReport.markdown(readJsonLines(file)));
            out.flush();
            return Main.OK;
        }
        if (benchCase.equals("allreduce")) {
            return allReduce(out);
        }
        Device device = Environment.device(useCpu);
        List<BenchResult> results = new ArrayList<>();
        switch (benchCase) {
            case "gemm" -> {
                int[] mkn = parseShape(gemmShape);
                results.add(GemmBench.bench(device, mkn[0], mkn[1], mkn[2], Math.max(warmup, 1), repeat));
                if (fp16) {
                    results.add(GemmBench.bench(device, io.finetune4j.torch.DType.FLOAT16, mkn[0], mkn[1], mkn[2], Math.max(warmup, 1), repeat));
                }
                if (bf16) {
                    results.add(GemmBench.bench(device, io.finetune4j.torch.DType.BFLOAT16, mkn[0], mkn[1], mkn[2], Math.max(warmup, 1), repeat));
                }
            }
            case "forward" -> {
                BenchModel m = benchModel("base");
                results.add(ForwardBench.run(device, m, batch(64), seqLen(m), warmup, repeat));
            }
            case "train-step" -> {
                BenchModel m = benchModel("base");
                results.add(TrainStepBench.run(device, m, batch(16), seqLen(m), warmup, repeat, io.finetune4j.torch.DType.FLOAT32,
                        gradientCheckpointing));
                if (fp16 || device.isCuda()) {
                    results.add(TrainStepBench.run(device, m, batch(16), seqLen(m), warmup, repeat, io.finetune4j.torch.DType.FLOAT16,
                            gradientCheckpointing));
                }
                if (bf16) {
                    results.add(TrainStepBench.run(device, m, batch(16), seqLen(m), warmup, repeat, io.finetune4j.torch.DType.BFLOAT16,
                            gradientCheckpointing));
                }
            }
            case "tokenize" -> results.add(TokenizeBench.run(model != null ? model : "bert-base-uncased", dataset, texts, maxLength,
                    warmup, repeat));
            case "pipeline" -> results.addAll(PipelineBench.run(model != null ? model : "bert-base-uncased", numHiddenLayers, runtimes, dataset,
                    texts > 0 ? texts : 512, batch(64), maxLength, device, warmup, repeat, profileDir));
            case "memory" -> {
                BenchModel m = benchModel("tiny");
                results.add(MemoryBench.run(device, m, batch(16), seqLen(m), steps));
            }
            default -> throw new BadInputException("unknown benchmark case '" + benchCase + "'; the cases are " + CASES
                    + io.finetune4j.config.Suggestions.didYouMean(benchCase, CASES));
        }
        print(out, results);
        return Main.OK;
    }

    /** Every rank all-reduces; rank 0 prints. A single process is refused in one line before anything loads. */
    private int allReduce(PrintWriter out) throws Exception {
        io.finetune4j.torch.DType type = switch (dtype) {
            case "float32" -> io.finetune4j.torch.DType.FLOAT32;
            case "bfloat16" -> io.finetune4j.torch.DType.BFLOAT16;
            case "float16" -> io.finetune4j.torch.DType.FLOAT16;
            default -> throw new BadInputException("--dtype must be float32, bfloat16 or float16, got '" + dtype + "'");
        };
        io.finetune4j.train.distributed.Distributed dist = AllReduceBench.join(1800);
        BenchResult r = AllReduceBench.run(dist, benchModel("base"), type, bucketCapMb, Math.max(warmup, 1), repeat);
        if (dist.rank() == 0) {
            print(out, List.of(r));
        }
        out.flush();
        return Main.OK;
    }

    private void print(PrintWriter out, List<BenchResult> results) throws Exception {
        for (BenchResult result : results) {
            if (json.on()) {
                out.println(new ObjectMapper().writeValueAsString(result.toMap()));
            } else {
                out.println(result.name() + " " + result.params());
                result.metrics().forEach((k, v) -> out.println("  " + k + ": " + v));
                out.println("  machine: " + MachineLine.format(result.machine()));
            }
        }
        out.flush();
    }

    private int seqLen(BenchModel m) {
        return seqLen != null ? seqLen : Math.min(160, m.config().maxPositionEmbeddings());
    }

    private int batch(int caseDefault) {
        return batchSize != null ? batchSize : caseDefault;
    }

    /** --model (a folder or a known name) or a random-init --size, with --num_hidden_layers. */
    private BenchModel benchModel(String defaultSize) {
        String model = this.model.model;
        if (model != null) {
            if (size != null) {
                throw new BadInputException("give either --model or --size, not both");
            }
            return BenchModel.pretrained(model, PretrainedModels.resolve(model), numHiddenLayers);
        }
        return BenchModel.random(size != null ? size : defaultSize, numHiddenLayers);
    }

    private static int[] parseShape(String s) {
        String[] parts = s.split(",");
        try {
            if (parts.length != 3) {
                throw new NumberFormatException();
            }
            return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()), Integer.parseInt(parts[2].trim())};
        } catch (NumberFormatException e) {
            throw new BadInputException("--gemm must be M,K,N (three integers), got '" + s + "'");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> readJsonLines(Path file) throws java.io.IOException {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("benchmark results file not found: " + file);
        }
        ObjectMapper mapper = new ObjectMapper();
        List<Map<String, Object>> rows = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                rows.add(mapper.readValue(line, Map.class));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new BadInputException(file + " line " + lineNo + " is not a JSON object from bench --json");
            }
        }
        return rows;
    }
}
