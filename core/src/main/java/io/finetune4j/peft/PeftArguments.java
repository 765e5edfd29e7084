package io.finetune4j.peft;

import io.finetune4j.BadInputException;
import io.finetune4j.config.Arg;
import io.finetune4j.config.ArgumentBinder;
import java.util.List;
import java.util.Map;

/** The {@code peft:} section of a config file: PEFT's LoraConfig arguments with PEFT's names and defaults. */
public final class PeftArguments {
    /** Which PEFT method wraps the model. */
    public enum PeftType { NONE, LORA }

    @Arg(name = "type", help = "The parameter-efficient method: lora adds LoRA adapters (PEFT's LoraConfig); none trains the model as configured.")
    PeftType type = PeftType.NONE;
    @Arg(name = "r", help = "LoRA rank: each adapted layer learns a rank-r update B·A.")
    int r = 8;
    @Arg(name = "lora_alpha", help = "LoRA scaling numerator: the update is multiplied by lora_alpha / r.")
    int loraAlpha = 8;
    @Arg(name = "lora_dropout", help = "Dropout on the adapter's input while training.")
    double loraDropout = 0.0;
    @Arg(name = "target_modules", help = "Linear layers to adapt; a module matches when its name ends with one of these (query, key, value, dense, ...). Default: PEFT's for the model family (query, value for BERT, RoBERTa, ELECTRA, ALBERT; q_lin, v_lin for DistilBERT).")
    List<String> targetModules = null;
    @Arg(name = "bias", help = "Which biases train and are saved with the adapter: none, all, or lora_only (those of adapted layers).")
    LoraConfig.Bias bias = LoraConfig.Bias.NONE;
    @Arg(name = "modules_to_save", help = "Modules trained in full and saved with the adapter (the classifier always is, as in PEFT's SEQ_CLS).")
    List<String> modulesToSave = null;
    @Arg(name = "use_rslora", help = "Rank-stabilised LoRA: scale by lora_alpha / sqrt(r) instead of lora_alpha / r.")
    boolean useRslora = false;

    /** Binds a {@code peft:} mapping; {@code origin} names it in error messages. */
    public static PeftArguments fromMap(Map<String, ?> values, String origin) {
        return ArgumentBinder.bind(new PeftArguments(), values, origin);
    }

    public PeftType type() {
        return type;
    }

    /** The LoraConfig these arguments describe (SEQ_CLS). */
    public LoraConfig toLoraConfig() {
        if (targetModules != null && targetModules.isEmpty()) {
            throw new BadInputException("peft.target_modules is empty; name the linear layers to adapt, e.g. [query, value]");
        }
        return LoraConfig.builder().r(r).loraAlpha(loraAlpha).loraDropout(loraDropout).targetModules(targetModules)
                .bias(bias).modulesToSave(modulesToSave).useRslora(useRslora).build();
    }
}
