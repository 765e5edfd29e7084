package io.finetune4j.cli;

import io.finetune4j.BadInputException;
import io.finetune4j.config.ConfigSources;
import io.finetune4j.io.AtomicFiles;
import io.finetune4j.pipeline.LongTextMode;
import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.pipeline.TextClassificationPipeline.Prediction;
import io.finetune4j.pipeline.TextClassifier.LabelScore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** HF's text-classification pipeline on the command line. */
@Command(name = "predict", description = {"Classify texts with a fine-tuned model (HF's text-classification pipeline).",
        "Texts come from arguments, --file (one per line) or stdin (one per line).",
        "With --json: HF's shape, a list of {label, score} per text."})
final class PredictCommand implements Callable<Integer> {
    private static final com.fasterxml.jackson.databind.ObjectMapper COMPACT = new com.fasterxml.jackson.databind.ObjectMapper();

    @Mixin
    InferenceOptions.Model model;

    @Option(names = "--tokenizer", paramLabel = "DIR|NAME", description = "Tokenizer folder or known name (default: the model's folder).")
    String tokenizer;

    @Option(names = "--labels", split = ",", paramLabel = "NAMES", description = "Display names in id order, e.g. negative,positive (default: config.json's id2label).")
    List<String> labels;

    @Option(names = {"--top_k", "--top-k"}, paramLabel = "N", defaultValue = "1", description = "Labels per text; 0 for all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Mixin
    InferenceOptions.BatchSize batchSize;

    @Mixin
    InferenceOptions.MaxSeqLength maxSeqLength;

    @Mixin
    InferenceOptions.TruncationSide truncationSide;

    @Option(names = "--stride", paramLabel = "N", description = "Score long texts in overlapping windows sharing N tokens and average them (default: truncate).")
    Integer stride;

    @Option(names = "--file", paramLabel = "FILE", description = "Read texts from FILE, one per line.")
    Path file;

    @Option(names = "--output", paramLabel = "FILE", description = "Write predictions to FILE: .jsonl or .csv.")
    Path output;

    @Mixin
    JsonOption json;

    @Option(names = "--device", paramLabel = "NAME", description = "cpu or cuda:N (gpu:N also accepted; default: a GPU when present).")
    String device;

    @Option(names = {"--text_pair", "--text-pair"}, paramLabel = "TEXT", description = "Second text of a pair task (NLI, GLUE); "
            + "give one per TEXT, in order: each TEXT is scored with its pair as [CLS] TEXT [SEP] PAIR [SEP].")
    List<String> textPairs;

    @Mixin
    InferenceOptions.Runtime runtime;

    @Mixin
    InferenceOptions.Quantized quantized;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "Texts to classify.")
    List<String> texts;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<String> inputs = readInputs();
        String format = output == null ? null : outputFormat(output);
        TextClassificationPipeline.Builder builder = InferenceOptions.arguments(model, batchSize, maxSeqLength, truncationSide, runtime, quantized)
                .pipeline()
                .tokenizer(tokenizer == null ? null : Path.of(tokenizer)) // a known name resolves to its cache folder
                .labels(labels).topK(topK);
        if (stride != null) {
            builder.longText(LongTextMode.WINDOWS, stride);
        }
        if (device != null) {
            builder.device(io.finetune4j.io.Environment.parseDevice(device));
        }
        PrintWriter out = spec.commandLine().getOut();
        try (TextClassificationPipeline pipeline = builder.build()) {
            List<Prediction> predictions = textPairs == null || textPairs.isEmpty() ? pipeline.predict(inputs)
                    : pipeline.predictPairs(pairs(inputs), topK);
            if (output != null) {
                String text = "csv".equals(format) ? csv(inputs, predictions) : jsonl(inputs, predictions);
                AtomicFiles.writeString(output, text);
                out.printf("wrote %d predictions to %s%n", predictions.size(), output);
            } else if (json.on()) {
                List<List<Map<String, Object>>> rows = new ArrayList<>();
                predictions.forEach(p -> rows.add(scoreMaps(p.scores())));
                out.println(ConfigSources.toJson(rows));
            } else {
                printTable(out, inputs, predictions, stride != null);
            }
        }
        out.flush();
        return Main.OK;
    }

    private List<io.finetune4j.pipeline.TextPair> pairs(List<String> inputs) {
        if (stride != null) {
            throw new BadInputException("--stride scores single long texts in windows; it does not apply to --text_pair (pairs are truncated)");
        }
        if (textPairs.size() != inputs.size()) {
            throw new BadInputException("got " + inputs.size() + " texts but " + textPairs.size() + " --text_pair values; give one --text_pair per text");
        }
        List<io.finetune4j.pipeline.TextPair> out = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            out.add(new io.finetune4j.pipeline.TextPair(inputs.get(i), textPairs.get(i)));
        }
        return out;
    }

    private List<String> readInputs() throws IOException {
        List<String> lines;
        if (texts != null && !texts.isEmpty()) {
            if (file != null) {
                throw new BadInputException("give texts either as arguments or with --file " + file + ", not both");
            }
            lines = texts;
        } else if (file != null) {
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new BadInputException("--file " + file + " does not exist; give a text file with one text per line");
            }
        } else if (System.console() == null) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            lines = in.lines().toList();
        } else {
            lines = List.of();
        }
        List<String> nonEmpty = lines.stream().filter(l -> !l.isBlank()).toList();
        if (nonEmpty.isEmpty()) {
            throw new BadInputException("no texts to classify: pass TEXT arguments, --file FILE, or pipe one text per line on stdin");
        }
        return nonEmpty;
    }

    private static String outputFormat(Path output) {
        String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl")) {
            return "jsonl";
        }
        if (name.endsWith(".csv")) {
            return "csv";
        }
        throw new BadInputException("--output " + output + " has an unknown extension; use .jsonl or .csv");
    }

    private static List<Map<String, Object>> scoreMaps(List<LabelScore> scores) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (LabelScore s : scores) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", s.label());
            m.put("score", s.score());
            out.add(m);
        }
        return out;
    }

    /** One JSON object per text: text, best label and score, all requested scores, windows. */
    private static String jsonl(List<String> texts, List<Prediction> predictions) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < texts.size(); i++) {
            Prediction p = predictions.get(i);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("text", texts.get(i));
            row.put("label", p.top().label());
            row.put("score", p.top().score());
            row.put("scores", scoreMaps(p.scores()));
            row.put("windows", p.windows());
            try {
                sb.append(COMPACT.writeValueAsString(row)).append('\n');
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return sb.toString();
    }

    /** One row per text and returned label: index,text,rank,label,score,windows. */
    private static String csv(List<String> texts, List<Prediction> predictions) {
        StringBuilder sb = new StringBuilder("index,text,rank,label,score,windows\n");
        for (int i = 0; i < texts.size(); i++) {
            Prediction p = predictions.get(i);
            for (int r = 0; r < p.scores().size(); r++) {
                LabelScore s = p.scores().get(r);
                sb.append(i).append(',').append(csvField(texts.get(i))).append(',').append(r + 1).append(',')
                        .append(csvField(s.label())).append(',').append(s.score()).append(',').append(p.windows()).append('\n');
            }
        }
        return sb.toString();
    }

    static String csvField(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }

    private static void printTable(PrintWriter out, List<String> texts, List<Prediction> predictions, boolean windows) {
        int labelWidth = 5;
        for (Prediction p : predictions) {
            for (LabelScore s : p.scores()) {
                labelWidth = Math.max(labelWidth, s.label().length());
            }
        }
        out.printf("%4s  %-" + labelWidth + "s  %6s%s  %s%n", "#", "label", "score", windows ? "  windows" : "", "text");
        for (int i = 0; i < texts.size(); i++) {
            Prediction p = predictions.get(i);
            String text = texts.get(i).replace("\n", " ");
            String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
            for (int r = 0; r < p.scores().size(); r++) {
                LabelScore s = p.scores().get(r);
                out.printf(Locale.ROOT, "%4s  %-" + labelWidth + "s  %6.4f%s  %s%n", r == 0 ? String.valueOf(i) : "", s.label(), s.score(),
                        windows ? String.format("  %7s", r == 0 ? String.valueOf(p.windows()) : "") : "", r == 0 ? shown : "");
            }
        }
    }

}
