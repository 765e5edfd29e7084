package io.finetune4j.models;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@code fromPretrained} did with the checkpoint, in HF's terms.
 *
 * @param missingKeys model parameters the checkpoint lacked (newly initialised), sorted
 * @param unexpectedKeys checkpoint tensors the model did not use, sorted
 * @param droppedLayerKeys tensors of encoder layers cut off by a num_hidden_layers override, sorted
 */
public record LoadReport(Path source, String modelClass, List<String> missingKeys, List<String> unexpectedKeys, List<String> droppedLayerKeys) {
    public LoadReport {
        missingKeys = List.copyOf(missingKeys);
        unexpectedKeys = List.copyOf(unexpectedKeys);
        droppedLayerKeys = List.copyOf(droppedLayerKeys);
    }

    /** The messages HF's {@code from_pretrained} logs, word for word (empty when all matched). */
    public List<String> warnings() {
        List<String> out = new ArrayList<>();
        if (!unexpectedKeys.isEmpty()) {
            out.add("Some weights of the model checkpoint at " + source + " were not used when initializing " + modelClass + ": "
                    + pythonList(unexpectedKeys) + "\n"
                    + "- This IS expected if you are initializing " + modelClass + " from the checkpoint of a model trained on another task or"
                    + " with another architecture (e.g. initializing a BertForSequenceClassification model from a BertForPreTraining model).\n"
                    + "- This IS NOT expected if you are initializing " + modelClass + " from the checkpoint of a model that you expect to be"
                    + " exactly identical (initializing a BertForSequenceClassification model from a BertForSequenceClassification model).");
        }
        if (!missingKeys.isEmpty()) {
            out.add("Some weights of " + modelClass + " were not initialized from the model checkpoint at " + source
                    + " and are newly initialized: " + pythonList(missingKeys) + "\n"
                    + "You should probably TRAIN this model on a down-stream task to be able to use it for predictions and inference.");
        }
        return out;
    }

    /** One line about dropped layers, or empty. */
    public String droppedLayersNote() {
        return droppedLayerKeys.isEmpty() ? "" : "Ignored " + droppedLayerKeys.size()
                + " weights of encoder layers beyond num_hidden_layers in " + source;
    }

    static String pythonList(List<String> names) {
        return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", ", "[", "]"));
    }
}
