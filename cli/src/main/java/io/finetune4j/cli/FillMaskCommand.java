package io.finetune4j.cli;

import io.finetune4j.config.ConfigSources;
import io.finetune4j.pipeline.FillMaskPipeline;
import io.finetune4j.pipeline.FillMaskPipeline.FillMaskResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** HF's fill-mask pipeline on the command line. */
@Command(name = "fill-mask", description = {"Predict the words behind [MASK] tokens with a masked-LM model (HF's fill-mask pipeline).",
        "With --json: HF's fields score, token, token_str, sequence (a list per mask when a text has several)."},
        modelTransformer = FillMaskCommand.MaskedLMModel.class)
final class FillMaskCommand implements Callable<Integer> {
    @Mixin
    InferenceOptions.Model model;

    /** The shared --model option, described for this command: a masked-LM checkpoint (no classifier, no adapter). */
    static final class MaskedLMModel implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return InferenceOptions.adjust(spec, "--model", b -> b.description("Masked-LM checkpoint folder or model name, e.g. bert-base-uncased."));
        }
    }

    @Option(names = {"--top_k", "--top-k"}, paramLabel = "N", defaultValue = "5", description = "Candidates per mask (default: ${DEFAULT-VALUE}).")
    int topK;

    @Mixin
    JsonOption json;

    @Option(names = "--device", paramLabel = "NAME", description = "cpu or cuda:N (gpu:N also accepted; default: a GPU when present).")
    String device;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "Texts with one or more [MASK] tokens.")
    List<String> texts;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (FillMaskPipeline unmasker = FillMaskPipeline.fromPretrained(InferenceOptions.arguments(model).model(), topK,
                device == null ? null : io.finetune4j.io.Environment.parseDevice(device))) {
            List<List<List<FillMaskResult>>> results = unmasker.fillEach(texts, topK);
            if (json.on()) {
                List<Object> perText = new ArrayList<>();
                for (List<List<FillMaskResult>> perMask : results) {
                    // HF's shape: a flat list for one mask, a list per mask for several
                    perText.add(perMask.size() == 1 ? maps(perMask.get(0)) : perMask.stream().map(FillMaskCommand::maps).toList());
                }
                out.println(ConfigSources.toJson(texts.size() == 1 ? perText.get(0) : perText));
            } else {
                for (int t = 0; t < texts.size(); t++) {
                    List<List<FillMaskResult>> perMask = results.get(t);
                    for (int m = 0; m < perMask.size(); m++) {
                        out.printf("%s%s%n", texts.get(t), perMask.size() > 1 ? "  (mask " + (m + 1) + " of " + perMask.size() + ")" : "");
                        out.printf("  %4s  %8s  %6s  %-15s  %s%n", "rank", "score", "token", "token_str", "sequence");
                        List<FillMaskResult> candidates = perMask.get(m);
                        for (int i = 0; i < candidates.size(); i++) {
                            FillMaskResult r = candidates.get(i);
                            out.printf(Locale.ROOT, "  %4d  %8.4f  %6d  %-15s  %s%n", i + 1, r.score(), r.token(), r.tokenStr(), r.sequence());
                        }
                    }
                }
            }
        }
        out.flush();
        return Main.OK;
    }

    private static List<Map<String, Object>> maps(List<FillMaskResult> candidates) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (FillMaskResult r : candidates) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("score", r.score());
            m.put("token", r.token());
            m.put("token_str", r.tokenStr());
            m.put("sequence", r.sequence());
            out.add(m);
        }
        return out;
    }
}
