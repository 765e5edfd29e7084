package io.finetune4j.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.BadInputException;
import io.finetune4j.bench.BenchReport;
import io.finetune4j.bench.BenchResult;
import io.finetune4j.bench.DjlBertBaselineBench;
import io.finetune4j.bench.GemmBench;
import io.finetune4j.bench.MachineLine;
import io.finetune4j.util.Devices;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Reproducible speed numbers: {@code bench CASE [--json]}. Each result carries its machine line;
 * {@code bench report results.jsonl} turns collected JSON lines into the Markdown of docs/BENCHMARKS.md.
 */
@Command(name = "bench", description = "Benchmarks: gemm, baseline-djl, or 'report FILE.jsonl' to render Markdown.")
final class BenchCommand implements Callable<Integer> {
    static final List<String> CASES = List.of("gemm", "baseline-djl", "report");

    @Parameters(index = "0", paramLabel = "CASE", description = "gemm | baseline-djl | report")
    String benchCase;

    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", description = "For report: a JSON-lines file of results.")
    Path file;

    @Option(names = "--json", description = "Print one JSON object per case (one line each).")
    boolean json;

    @Option(names = "--warmup", defaultValue = "1", description = "Untimed iterations first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--repeat", defaultValue = "5", description = "Timed iterations (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--batch_size", defaultValue = "16", description = "Batch size for training steps (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seq_len", defaultValue = "160", description = "Sequence length (default ${DEFAULT-VALUE}).")
    int seqLen;

    @Option(names = "--size", defaultValue = "base", description = "Model size for baseline-djl: base or tiny (default ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--use_cpu", description = "Run on the CPU even when a GPU is available.")
    boolean useCpu;

    @Option(names = "--gemm", defaultValue = "2560,768,3072", description = "M,K,N of the gemm case (default ${DEFAULT-VALUE}).")
    String gemmShape;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
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
        Device device = Devices.select(useCpu);
        BenchResult result = switch (benchCase) {
            case "gemm" -> {
                int[] mkn = parseShape(gemmShape);
                yield GemmBench.bench(device, mkn[0], mkn[1], mkn[2], Math.max(warmup, 1), repeat);
            }
            case "baseline-djl" -> {
                if (!size.equals("base") && !size.equals("tiny")) {
                    throw new BadInputException("--size must be base or tiny, got '" + size + "'");
                }
                yield DjlBertBaselineBench.run(device, size, batchSize, seqLen, warmup, repeat);
            }
            default -> throw new BadInputException("unknown benchmark case '" + benchCase + "'; the cases are " + CASES
                    + io.finetune4j.config.Suggestions.didYouMean(benchCase, CASES));
        };
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(result.toMap()));
        } else {
            out.println(result.name() + " " + result.params());
            result.metrics().forEach((k, v) -> out.println("  " + k + ": " + v));
            out.println("  machine: " + MachineLine.format(result.machine()));
        }
        out.flush();
        return Main.OK;
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
