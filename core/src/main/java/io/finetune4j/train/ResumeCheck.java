package io.finetune4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.BadInputException;
import io.finetune4j.models.PreTrainedModel;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.SequenceClassifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether a checkpoint belongs to the model and arguments of the run resuming it (HF's Trainer compares the
 * checkpoint's config and trainer_state's train_batch_size): the model's shape-defining config.json fields and the
 * batch size must agree, else the resume stops with one line before anything trains or is written.
 */
final class ResumeCheck {
    /** config.json fields that fix the parameters' shapes (the names of every family that has them). */
    private static final List<String> SHAPE_FIELDS = List.of("model_type", "vocab_size", "hidden_size", "dim", "num_hidden_layers",
            "n_layers", "num_attention_heads", "n_heads", "intermediate_size", "hidden_dim", "embedding_size",
            "max_position_embeddings", "type_vocab_size", "num_hidden_groups", "inner_group_num");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResumeCheck() {}

    static void check(Path checkpoint, TrainerState saved, SequenceClassifier model, TrainingArguments args) {
        if (saved.trainBatchSize > 0 && saved.trainBatchSize != args.perDeviceTrainBatchSize()) {
            throw new BadInputException(checkpoint + " was trained with batch size " + saved.trainBatchSize + " (trainer_state.json's "
                    + "train_batch_size) but this run uses per_device_train_batch_size " + args.perDeviceTrainBatchSize()
                    + "; resume with the same batch size, or start a new run");
        }
        Path file = checkpoint.resolve(PretrainedConfig.FILE_NAME);
        if (!(model instanceof PreTrainedModel pm) || !Files.isRegularFile(file)) {
            return; // adapters (PEFT) keep no config.json; their own loader checks their shapes
        }
        JsonNode saved0;
        try {
            saved0 = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (saved0 == null || !saved0.isObject()) {
            throw new BadInputException(file + " is not a JSON object (a damaged checkpoint?)");
        }
        JsonNode ours = pm.config().toJson();
        for (String field : SHAPE_FIELDS) {
            JsonNode a = saved0.get(field);
            JsonNode b = ours.get(field);
            if (a != null && b != null && !a.equals(b) && !(a.isNumber() && b.isNumber() && a.asDouble() == b.asDouble())) {
                throw new BadInputException(checkpoint + " belongs to another model: its config.json has " + field + " " + a
                        + " but the model being trained has " + b + "; resume with the model the checkpoint was trained from");
            }
        }
        JsonNode labels = saved0.get("id2label");
        if (labels != null && labels.isObject() && labels.size() != model.numLabels()) {
            throw new BadInputException(checkpoint + " belongs to another model: its config.json has " + labels.size()
                    + " labels but the model being trained has " + model.numLabels());
        }
    }
}
