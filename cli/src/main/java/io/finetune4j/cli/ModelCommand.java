package io.finetune4j.cli;

import io.finetune4j.config.ConfigSources;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.LoadReport;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import io.finetune4j.torch.Device;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code model show DIR}: the module tree and parameter counts of a checkpoint folder, as PyTorch prints them. */
@Command(name = "model", description = "Inspect models.", subcommands = {ModelCommand.Show.class, ModelFetchCommand.class, ModelConvertCommand.class})
final class ModelCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "show", description = "Print the module tree, parameter counts and load report of a HF model folder.")
    static final class Show implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODEL", description = "A HF folder (config.json + model.safetensors) or a known name such as bert-base-uncased.")
        String model;

        @Option(names = "--num_labels", description = "Number of labels of the classification head (default: from config.json).")
        Integer numLabels;

        @Option(names = "--trainable", paramLabel = "REGEX", description = "Only parameters whose HF name matches stay trainable (e.g. 'pooler|classifier').")
        String trainable;

        @Mixin
        JsonOption json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Path dir = io.finetune4j.io.hub.PretrainedModels.resolve(model);
            LoadOptions.Builder options = LoadOptions.builder().device(Device.cpu());
            if (numLabels != null) {
                options.numLabels(numLabels);
            }
            PrintWriter out = spec.commandLine().getOut();
            try (SequenceClassificationModel model = AutoModelForSequenceClassification.fromPretrained(dir, options.build())) {
                if (trainable != null) {
                    model.trainable(trainable);
                }
                LoadReport report = model.loadReport();
                if (json.on()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("model", model.architecture());
                    m.put("path", dir.toString());
                    m.put("num_labels", model.numLabels());
                    m.put("all_params", model.numParameters(false));
                    m.put("trainable_params", model.numParameters(true));
                    m.put("trainable_parameter_names", model.trainableParameterNames());
                    m.put("missing_keys", report.missingKeys());
                    m.put("unexpected_keys", report.unexpectedKeys());
                    m.put("tree", model.printModel());
                    m.put("attn_implementation", model.attnImplementation() == null ? "auto" : model.attnImplementation());
                    out.println(ConfigSources.toJson(m));
                } else {
                    // The load report's warnings already went to stderr in HF's words (SLF4J); not repeated here.
                    out.println(model.printModel());
                    out.println();
                    if (trainable != null) {
                        model.trainableParameterNames().forEach(n -> out.println("- " + n));
                        out.println();
                    }
                    out.println(model.parameterSummary());
                    out.println(model.trainableParametersLine());
                    out.println(model.attnImplementationLine());
                }
            }
            out.flush();
            return Main.OK;
        }
    }
}
