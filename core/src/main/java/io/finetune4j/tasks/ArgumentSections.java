package io.finetune4j.tasks;

import io.finetune4j.train.CallbackArguments;
import io.finetune4j.train.TrainingArguments;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every arguments class a config file may fill, with its title in docs/ARGUMENTS.md. */
public final class ArgumentSections {
    private ArgumentSections() {}

    /** Title → a fresh instance (its field values are the defaults). */
    public static Map<String, Object> all() {
        Map<String, Object> sections = new LinkedHashMap<>();
        sections.put("ModelArguments", new ModelArguments());
        sections.put("DataArguments", new DataArguments());
        sections.put("TrainingArguments", new TrainingArguments());
        sections.put("Callbacks", new CallbackArguments());
        sections.put("Gradual unfreezing", new io.finetune4j.train.UnfreezeArguments());
        sections.put("PeftArguments (keys of the `peft:` mapping)", new io.finetune4j.peft.PeftArguments());
        return sections;
    }

    /** docs/ARGUMENTS.md: every argument's table, then the Trainer and tokenizer API coverage. */
    public static String markdown() {
        return io.finetune4j.config.ArgumentDocs.markdown(all()) + ApiCoverage.markdown();
    }
}
