package io.finetune4j.cli;

import io.finetune4j.BadInputException;
import io.finetune4j.train.TrainerState;
import io.finetune4j.train.TrainingCurves;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code plot RUN_DIR [--out FILE.png]}: training/validation loss and eval metrics vs step from trainer_state.json. */
@Command(name = "plot", description = "Draw a run's loss and metric curves (from trainer_state.json's log_history) to a PNG.")
final class PlotCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A training output_dir, a checkpoint-N folder, or a trainer_state.json.")
    Path runDir;

    @Option(names = "--out", paramLabel = "FILE.png", description = "Where to write the PNG (default: RUN_DIR/training_curves.png).")
    Path out;

    @Option(names = "--width", description = "Image width in pixels (default: ${DEFAULT-VALUE}).", defaultValue = "1000")
    int width;

    @Option(names = "--height", description = "Image height in pixels (default: ${DEFAULT-VALUE}).", defaultValue = "700")
    int height;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!Files.exists(runDir)) {
            throw new BadInputException("run folder " + runDir + " does not exist; pass a training output_dir");
        }
        if (width < 100 || height < 100) {
            throw new BadInputException("--width and --height must be at least 100 pixels, got " + width + "x" + height);
        }
        Path stateFile = TrainingCurves.stateFile(runDir);
        TrainerState state = TrainerState.load(stateFile);
        Path png = out != null ? out : (Files.isDirectory(runDir) ? runDir : runDir.toAbsolutePath().getParent()).resolve("training_curves.png");
        int n = TrainingCurves.writePng(state, runDir.toAbsolutePath().normalize().getFileName() + " (step " + state.globalStep + ")",
                png, width, height);
        spec.commandLine().getOut().println("wrote " + png + " (" + n + " curves from " + stateFile + ")");
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
