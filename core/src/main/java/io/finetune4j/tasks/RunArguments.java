package io.finetune4j.tasks;

import io.finetune4j.config.ArgumentBinder;
import io.finetune4j.config.ConfigSources;
import io.finetune4j.peft.PeftArguments;
import io.finetune4j.train.CallbackArguments;
import io.finetune4j.train.TrainingArguments;
import io.finetune4j.train.UnfreezeArguments;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a training run reads from one config file plus flags, split by key into the argument
 * classes that own each name (model, data, training, callbacks), as HF's HfArgumentParser does.
 */
public record RunArguments(ModelArguments model, DataArguments data, TrainingArguments training, CallbackArguments callbacks,
        UnfreezeArguments unfreeze) {

    public static RunArguments fromMap(Map<String, ?> values, String origin) {
        ModelArguments model = new ModelArguments();
        DataArguments data = new DataArguments();
        TrainingArguments training = new TrainingArguments();
        CallbackArguments callbacks = new CallbackArguments();
        UnfreezeArguments unfreeze = new UnfreezeArguments();
        ArgumentBinder.bindAll(values, origin, model, data, training, callbacks, unfreeze);
        UnfreezeArguments.fromMap(ArgumentBinder.toMap(unfreeze), origin); // its range checks
        if (!model.peft().isEmpty()) {
            PeftArguments.fromMap(model.peft(), origin + " (peft)"); // unknown or bad peft keys fail before any work
        }
        io.finetune4j.nn.AttnImplementation.validate(model.attnImplementation()); // eager, sdpa or unset: fail before any work
        data.validate();
        training.validate();
        if (callbacks.earlyStoppingPatience() < 0) {
            throw new io.finetune4j.BadInputException("early_stopping_patience must be >= 0, got " + callbacks.earlyStoppingPatience());
        }
        return new RunArguments(model, data, training, callbacks, unfreeze);
    }

    /** A config file (or none) plus {@code --key value} flags, flags winning. */
    public static RunArguments fromConfigAndFlags(Path config, List<String> flags) {
        Map<String, Object> merged = ConfigSources.merge(config == null ? Map.of() : ConfigSources.readFile(config),
                ConfigSources.parseFlags(flags));
        return fromMap(merged, config == null ? "flags" : config + " or flags");
    }
}
