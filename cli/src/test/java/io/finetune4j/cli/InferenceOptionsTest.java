package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.pipeline.InferenceArguments;
import io.finetune4j.io.BertTokenizerFiles;
import io.finetune4j.tokenize.EncodeOptions;
import io.finetune4j.torch.Device;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Member;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;

/** The inference options (and --json): declared once (InferenceOptions, JsonOption), bound to InferenceArguments, the length checked before tokenizing. */
class InferenceOptionsTest {
    @TempDir
    Path tmp;

    /** The shared options and the commands allowed their own (bench compares a list of runtimes, its batch size depends on the case). */
    static final Set<String> SHARED = Set.of("--model", "--max_seq_length", "--max_length", "--truncation_side", "--runtime", "--quantized",
            "--use_cpu", "--batch_size");
    static final Set<String> OWN = Set.of("bench --runtime", "bench --batch_size", "evaluate --batch_size");

    @Test
    void eachSharedOptionIsDeclaredOnceInInferenceOptions() {
        List<String> elsewhere = new ArrayList<>();
        List<String> lengths = new ArrayList<>();
        walk(Main.commandLine(), "", elsewhere, lengths);
        assertEquals(List.of(), elsewhere, "shared options declared outside InferenceOptions");
        assertEquals(Set.of("predict", "evaluate", "serve", "tokenize", "bench", "spark predict", "spark evaluate"), Set.copyOf(lengths),
                "the commands that take a max length");
    }

    @Test
    void fillMaskAndExportDescribeTheModelTheyTake() {
        CommandLine cli = Main.commandLine();
        String fillMask = String.join(" ", cli.getSubcommands().get("fill-mask").getCommandSpec().findOption("--model").description());
        String export = String.join(" ", cli.getSubcommands().get("export").getSubcommands().get("onnx").getCommandSpec()
                .findOption("--model").description());
        assertTrue(fillMask.startsWith("Masked-LM checkpoint folder or model name"), fillMask);
        assertTrue(export.startsWith("Sequence-classification checkpoint folder to export"), export);
        assertFalse(fillMask.contains("adapter") || export.contains("adapter"), "neither takes a PEFT adapter folder");
        assertEquals(List.of("--model", "--model_name_or_path"),
                List.of(cli.getSubcommands().get("fill-mask").getCommandSpec().findOption("--model").names()));
    }

    private static void walk(CommandLine cli, String path, List<String> elsewhere, List<String> lengths) {
        for (OptionSpec o : cli.getCommandSpec().options()) {
            for (String name : o.names()) {
                if (name.equals("--json")) {
                    Class<?> declaring = ((Member) o.userObject()).getDeclaringClass();
                    if (declaring != JsonOption.class) {
                        elsewhere.add(path.strip() + " --json (" + declaring.getSimpleName() + ")");
                    }
                    continue;
                }
                if (!SHARED.contains(name) || OWN.contains(path.strip() + " " + name)) {
                    continue;
                }
                Class<?> declaring = ((Member) o.userObject()).getDeclaringClass();
                if (declaring.getEnclosingClass() != InferenceOptions.class) {
                    elsewhere.add(path.strip() + " " + name + " (" + declaring.getSimpleName() + ")");
                }
            }
            if (List.of(o.names()).contains("--max_seq_length")) {
                assertEquals(Set.of("--max_seq_length", "--max_length", "--max-length"), Set.of(o.names()), path + ": one alias set");
                lengths.add(path.strip());
            } else {
                assertFalse(List.of(o.names()).contains("--max_length"), path + ": --max_length is an alias of --max_seq_length");
            }
        }
        cli.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandName().equals(name)) {
                walk(sub, path + " " + name, elsewhere, lengths);
            }
        });
    }

    @Command(name = "probe")
    static final class Probe {
        @Mixin InferenceOptions.Model model;
        @Mixin InferenceOptions.MaxSeqLength maxSeqLength;
        @Mixin InferenceOptions.TruncationSide truncationSide;
        @Mixin InferenceOptions.BatchSize batchSize;
        @Mixin InferenceOptions.Runtime runtime;
        @Mixin InferenceOptions.Quantized quantized;
        @Mixin InferenceOptions.UseCpu useCpu;

        InferenceArguments arguments() {
            return InferenceOptions.arguments(model, maxSeqLength, truncationSide, batchSize, runtime, quantized, useCpu);
        }
    }

    private static Probe parse(String... args) {
        Probe p = new Probe();
        new CommandLine(p).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return p;
    }

    @Test
    void theMixinsBindInferenceArguments() {
        InferenceArguments a = parse("--model_name_or_path", "m", "--max-length", "32", "--truncation_side", "LEFT", "--batch-size", "8",
                "--runtime", "onnx", "--quantized", "--use_cpu").arguments();
        assertEquals("m", a.model());
        assertEquals(32, a.maxSeqLength());
        assertEquals(EncodeOptions.Side.LEFT, a.truncationSide());
        assertEquals(8, a.batchSize());
        assertEquals("onnx", a.runtime());
        assertTrue(a.quantized() && a.useCpu());

        InferenceArguments defaults = parse("--model", "m").arguments();
        assertNull(defaults.maxSeqLength(), "unset: as saved with the model");
        assertNull(defaults.truncationSide(), "unset: as saved with the model");
        assertEquals(InferenceArguments.DEFAULT_BATCH_SIZE, defaults.batchSize());
        assertEquals("torch", defaults.runtime());
        assertEquals(new InferenceArguments().batchSize(), defaults.batchSize(), "the CLI's default is InferenceArguments'");

        BadInputException tooShort = assertThrows(BadInputException.class, () -> parse("--model", "m", "--max_seq_length", "0").arguments());
        assertTrue(tooShort.getMessage().startsWith("max_seq_length must be at least 2"), tooShort.getMessage());
        CommandLine.ParameterException side = assertThrows(CommandLine.ParameterException.class,
                () -> parse("--model", "m", "--truncation_side", "middle"));
        assertTrue(side.getMessage().contains("truncation_side must be left or right, got 'middle'"), side.getMessage());
    }

    @Test
    void aLengthAboveThePositionsIsRefusedInOneLineBeforeTokenizing() throws Exception {
        BertConfig config = new BertConfig(30522, 32, 1, 2, 64, "gelu", 0.1, 0.1, 64, 2, 0.2, 1e-12, 0, "absolute",
                null, BertConfig.defaultLabels(2), null, null, null, Map.of());
        Path model = tmp.resolve("classifier");
        try (BertForSequenceClassification m = BertForSequenceClassification.random(config, 5, Device.cpu())) {
            m.savePretrained(model);
        }
        try (InputStream in = InferenceOptionsTest.class.getResourceAsStream("/tokenize/bert-base-uncased-vocab.txt")) {
            Files.write(model.resolve("vocab.txt"), in.readAllBytes());
        }
        BertTokenizerFiles.write(model, true, 512);
        for (String flag : List.of("--max_seq_length", "--max_length")) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "predict", "--model", model.toString(), flag, "100000",
                    "a text");
            assertEquals(2, code, err.toString());
            assertEquals("error: max_seq_length 100000 is above the 64 positions of the model (config.json max_position_embeddings); "
                    + "use at most 64", err.toString().strip(), "one line");
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "predict", "--model", model.toString(), "--max_seq_length",
                "64", "--truncation_side", "left", "--json", "a text");
        assertEquals(0, code, err.toString());
    }
}
