package io.finetune4j.config;

import java.util.List;
import java.util.Map;

/** Writes the Markdown tables of docs/ARGUMENTS.md from {@link Arg} annotations and field defaults. */
public final class ArgumentDocs {
    private ArgumentDocs() {}

    /** One section per arguments class: title → fresh instance (whose field values are the defaults). */
    public static String markdown(Map<String, Object> sections) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Arguments\n\n");
        sb.append("Generated from the code by `bin/finetune4j docs arguments > docs/ARGUMENTS.md`; a test fails when this file\n");
        sb.append("is out of date. Names and defaults follow Hugging Face `transformers`. Every argument can be given as a\n");
        sb.append("snake_case key in a YAML/JSON config (`--config file.yaml`) or as a flag (`--learning_rate 2e-5`);\n");
        sb.append("a flag overrides the file.\n\n");
        sb.append("The status column says whether an argument is implemented, accepted without effect here (and why), or\n");
        sb.append("refused: a refused argument is accepted at Hugging Face's default only, and any other value stops with a\n");
        sb.append("one-line reason.\n");
        for (Map.Entry<String, Object> section : sections.entrySet()) {
            sb.append("\n## ").append(section.getKey()).append("\n\n");
            sb.append("| name | type | default | meaning | status |\n| --- | --- | --- | --- | --- |\n");
            Map<String, Object> defaults = ArgumentBinder.toMap(section.getValue());
            List<ArgumentBinder.ArgInfo> infos = ArgumentBinder.describe(section.getValue().getClass());
            for (ArgumentBinder.ArgInfo info : infos) {
                sb.append("| `").append(info.name()).append("` | ").append(info.typeName()).append(" | ")
                        .append(formatDefault(defaults.get(info.name()))).append(" | ")
                        .append(info.help().replace("|", "\\|")).append(" | ")
                        .append(info.status().replace("|", "\\|")).append(" |\n");
            }
        }
        return sb.toString();
    }

    private static String formatDefault(Object v) {
        if (v == null) {
            return "—";
        }
        if (v instanceof List<?> l && l.isEmpty()) {
            return "[]";
        }
        if (v instanceof Map<?, ?> m && m.isEmpty()) {
            return "{}";
        }
        return "`" + v + "`";
    }
}
