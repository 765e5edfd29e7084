package io.finetune4j.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field of an arguments class as a user-facing argument. The name is the Hugging Face
 * snake_case name: the YAML/JSON key and, with two dashes, the CLI flag. The field's initial value
 * is the default; {@link ArgumentBinder} sets fields from configs and flags, and
 * {@link ArgumentDocs} writes docs/ARGUMENTS.md from these annotations.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Arg {
    /** snake_case key, as in HF (e.g. {@code learning_rate}). */
    String name();

    /** One sentence: what the argument does. */
    String help();

    /**
     * Non-empty for an HF argument that cannot apply here: its HF default is accepted, any other value
     * stops with this reason (what to do instead). docs/ARGUMENTS.md marks the row "refused".
     */
    String refused() default "";

    /**
     * Non-empty for an argument that is accepted with every HF value but changes nothing here; says why
     * (e.g. pinned memory on the CPU). docs/ARGUMENTS.md marks the row "accepted, no effect here".
     */
    String noEffect() default "";
}
