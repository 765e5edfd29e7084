package io.finetune4j.cli;

import io.finetune4j.io.hub.PretrainedModels;
import io.finetune4j.onnx.OnnxExporter;
import io.finetune4j.onnx.Quantization;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code export onnx --model DIR --output OUT}: the checkpoint as ONNX, in the layout of HF Hub ONNX repos and transformers.js. */
@Command(name = "export", description = "Export a fine-tuned classifier to another format.", subcommands = ExportCommand.Onnx.class)
final class ExportCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "onnx", description = {"Write OUT/config.json, the tokenizer files and OUT/onnx/model.onnx (float32; with --quantize int8 also "
            + "OUT/onnx/model_quantized.onnx), the layout transformers.js and HF Hub ONNX repos use.",
            "Families (config.json model_type): bert, roberta, xlm-roberta, distilbert, electra, albert, deberta-v2, modernbert.",
            "Inputs input_ids, attention_mask and token_type_ids where the family has them (int64, batch_size x sequence_length); output logits."},
            modelTransformer = ExportCommand.Onnx.ClassifierModel.class)
    static final class Onnx implements Callable<Integer> {
        @Mixin
        InferenceOptions.Model model;

        /** The shared --model option, described for this command: the classifier checkpoint it exports (no adapter folder). */
        static final class ClassifierModel implements IModelTransformer {
            @Override
            public CommandSpec transform(CommandSpec spec) {
                return InferenceOptions.adjust(spec, "--model", b -> b.description("Sequence-classification checkpoint folder to export "
                        + "(config.json, model.safetensors with the classifier head, tokenizer files), e.g. a train --output_dir."));
            }
        }

        @Option(names = "--output", required = true, paramLabel = "OUT", description = "Folder to write (replaced only once the export is complete).")
        Path output;

        @Option(names = "--quantize", paramLabel = "int8", description = "Also write onnx/model_quantized.onnx: int8 weights, activations quantized at run time.")
        String quantize;

        @Option(names = "--opset", paramLabel = "N", defaultValue = "" + OnnxExporter.DEFAULT_OPSET,
                description = "ai.onnx opset, " + OnnxExporter.MIN_OPSET + "-" + OnnxExporter.MAX_OPSET + " (default: ${DEFAULT-VALUE}).")
        int opset;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            String model = InferenceOptions.arguments(this.model).model();
            Path dir = PretrainedModels.resolve(model);
            OnnxExporter.Options options = OnnxExporter.Options.defaults().withQuantization(Quantization.parse(quantize)).withOpset(opset);
            OnnxExporter.Result r = OnnxExporter.export(dir, output, options);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "exported %s (%s, opset %d, inputs %s) to %s%n", model, r.modelType(), r.opset(),
                    String.join(", ", r.inputs()), r.output());
            r.files().forEach((f, size) -> out.printf(Locale.ROOT, "  %-32s %,12d bytes%n", f, size));
            out.flush();
            return Main.OK;
        }
    }
}
