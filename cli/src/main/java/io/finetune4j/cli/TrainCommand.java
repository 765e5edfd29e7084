package io.finetune4j.cli;

import io.finetune4j.config.ConfigSources;
import io.finetune4j.data.Dataset;
import io.finetune4j.data.DatasetDict;
import io.finetune4j.models.SequenceClassifier;
import io.finetune4j.train.EvalTablePrinter;
import io.finetune4j.train.distributed.DistributedEnv;
import io.finetune4j.tasks.RunArguments;
import io.finetune4j.tasks.TextClassificationJob;
import io.finetune4j.train.TrainOutput;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code train --config FILE [--flag value ...]}: fine-tunes a classifier as the seed's notebook does. */
@Command(name = "train", description = {"Fine-tune a BERT classifier: --config FILE plus any --argument value (see docs/ARGUMENTS.md).",
        "With --json: the final result as one JSON object."})
final class TrainCommand implements Callable<Integer>, Help.TakesArgumentFlags {
    @Mixin
    RunArgumentOptions run = new RunArgumentOptions();

    @Mixin
    JsonOption json;

    @Unmatched
    List<String> flags = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RunArguments args = run.resolve(flags);
        Logging.applyLogLevel(args.training().processLogLevel(DistributedEnv.fromEnvironment())); // replicas: log_level_replica
        TextClassificationJob.Listener listener = new TextClassificationJob.Listener() {
            @Override
            public void onData(DatasetDict raw, Dataset train, Dataset eval) {
                if (!json.on()) {
                    out.println(raw);
                    out.println("training on " + train.numRows() + " rows" + (eval == null ? "" : ", evaluating on " + eval.numRows()));
                    out.flush();
                }
            }

            @Override
            public void onModel(SequenceClassifier model) {
                if (!json.on()) {
                    out.println(model.trainableParametersLine());
                    out.flush();
                }
            }

            @Override
            public void onTrainEnd(TrainOutput output) {
                if (!json.on()) {
                    out.println(output);
                    out.flush();
                }
            }

            @Override
            public void onPredictions(List<String> texts, List<List<io.finetune4j.pipeline.TextClassifier.LabelScore>> results) {
                if (!json.on()) {
                    for (int i = 0; i < texts.size(); i++) {
                        var top = results.get(i).get(0);
                        out.printf(java.util.Locale.ROOT, "%-9s %.4f  %s%n", top.label(), top.score(), texts.get(i));
                    }
                    out.flush();
                }
            }

            @Override
            public void onEvaluate(Map<String, Double> metrics) {
                if (!json.on()) {
                    out.println("eval: " + metrics);
                    out.flush();
                }
            }
        };
        List<io.finetune4j.train.TrainerCallback> callbacks = json.on() ? List.of() : List.of(new EvalTablePrinter(out));
        TextClassificationJob.Result result = TextClassificationJob.run(args, callbacks, listener);
        if (json.on()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("output_dir", result.outputDir().toString());
            m.put("global_step", result.trainOutput().globalStep());
            m.put("training_loss", result.trainOutput().trainingLoss());
            m.put("metrics", result.trainOutput().metrics());
            m.put("eval", result.evalMetrics());
            m.put("predictions", result.predictions());
            out.println(ConfigSources.toJson(m));
        } else {
            out.println("saved the model to " + result.outputDir());
        }
        out.flush();
        return Main.OK;
    }
}
