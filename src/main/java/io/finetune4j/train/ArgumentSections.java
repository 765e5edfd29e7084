package io.finetune4j.train;

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
        return sections;
    }
}
