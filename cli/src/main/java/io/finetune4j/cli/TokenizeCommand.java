package io.finetune4j.cli;

import io.finetune4j.config.ConfigSources;
import io.finetune4j.pipeline.InferenceArguments;
import io.finetune4j.tokenize.AutoTokenizer;
import io.finetune4j.tokenize.BatchEncoding;
import io.finetune4j.tokenize.EncodeOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Shows what the tokenizer makes of some texts: ids, tokens, token type ids and attention mask. */
@Command(name = "tokenize", description = {"Tokenize texts with a model's tokenizer and show ids, tokens, type ids and mask.",
        "With --json: one object per text with HF's keys (input_ids, token_type_ids, attention_mask) and its tokens."},
        modelTransformer = TokenizeCommand.TokenizerAlias.class)
final class TokenizeCommand implements Callable<Integer> {
    @Mixin
    InferenceOptions.Model model;

    @Mixin
    InferenceOptions.MaxSeqLength maxSeqLength;

    /** The model folder holds the tokenizer (tokenizer.json, or vocab.txt of a BERT checkpoint): --tokenizer names it too; no positions to check. */
    static final class TokenizerAlias implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            InferenceOptions.adjust(spec, "--model", b -> b.names("--model", "--model_name_or_path", "--tokenizer").description("Model folder "
                    + "holding tokenizer.json (or vocab.txt of a BERT checkpoint), or a known name such as bert-base-uncased."));
            // no model to hold the length against: as given, else the tokenizer's model_max_length
            return InferenceOptions.adjust(spec, "--max_seq_length", b -> b.description("Pad/truncate to N tokens (default: model_max_length)."));
        }
    }

    @Option(names = "--padding", paramLabel = "STRATEGY", defaultValue = "none",
            description = "max_length, longest or none (default: ${DEFAULT-VALUE}).")
    String padding;

    @Option(names = "--truncation", description = "Truncate to max_length (longest_first).")
    boolean truncation;

    @Mixin
    JsonOption json;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "Texts to tokenize.")
    List<String> texts;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        InferenceArguments arguments = InferenceOptions.arguments(model, maxSeqLength);
        // no model to hold the length against: max_length as given, else the tokenizer's model_max_length (HF's rule)
        EncodeOptions.Builder builder = EncodeOptions.builder().padding(EncodeOptions.Padding.parse(padding)).maxLength(arguments.maxSeqLength());
        if (truncation) {
            builder.truncation(true); // unset, HF's rule applies: max_length without padding truncates
        }
        EncodeOptions options = builder.build();
        PrintWriter out = spec.commandLine().getOut();
        try (AutoTokenizer tokenizer = AutoTokenizer.fromPretrained(Path.of(arguments.model()))) { // a known name resolves to its cache folder
            BatchEncoding enc = tokenizer.encode(texts, options);
            if (json.on()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (int r = 0; r < enc.size(); r++) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("text", texts.get(r));
                    row.put("tokens", enc.tokens(r));
                    row.put(BatchEncoding.INPUT_IDS, enc.inputIds()[r]);
                    row.put(BatchEncoding.TOKEN_TYPE_IDS, enc.tokenTypeIds()[r]);
                    row.put(BatchEncoding.ATTENTION_MASK, enc.attentionMask()[r]);
                    rows.add(row);
                }
                out.println(ConfigSources.toJson(rows));
                return Main.OK;
            }
            for (int r = 0; r < enc.size(); r++) {
                printTable(out, r, texts.get(r), enc);
            }
        }
        out.flush();
        return Main.OK;
    }

    private static void printTable(PrintWriter out, int r, String text, BatchEncoding enc) {
        String shown = text.length() > 70 ? text.substring(0, 67) + "..." : text;
        out.printf("text %d: %s (%d tokens)%n", r, shown.replace("\n", "\\n"), enc.inputIds()[r].length);
        String[] tokens = enc.tokens(r);
        int width = 5;
        for (String t : tokens) {
            width = Math.max(width, t.length());
        }
        out.printf("  %5s  %-" + width + "s  %6s  %4s  %4s%n", "#", "token", "id", "type", "mask");
        for (int i = 0; i < tokens.length; i++) {
            out.printf("  %5d  %-" + width + "s  %6d  %4d  %4d%n", i, tokens[i], enc.inputIds()[r][i],
                    enc.tokenTypeIds()[r][i], enc.attentionMask()[r][i]);
        }
    }
}
