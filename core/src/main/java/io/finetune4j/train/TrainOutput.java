package io.finetune4j.train;

import java.util.Map;
import java.util.stream.Collectors;

/** What {@link Trainer#train()} returns, printed like HF's TrainOutput namedtuple. */
public record TrainOutput(int globalStep, double trainingLoss, Map<String, Double> metrics) {
    @Override
    public String toString() {
        String m = metrics.entrySet().stream()
                .map(e -> "'" + e.getKey() + "': " + PythonFloats.repr(e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
        return "TrainOutput(global_step=" + globalStep + ", training_loss=" + PythonFloats.repr(trainingLoss) + ", metrics=" + m + ")";
    }
}
