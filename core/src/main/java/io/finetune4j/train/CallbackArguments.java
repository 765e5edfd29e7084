package io.finetune4j.train;

import io.finetune4j.config.Arg;
import io.finetune4j.config.ArgumentBinder;
import java.util.Map;

/** Arguments of the callbacks the CLI can add (HF passes these to EarlyStoppingCallback's constructor). */
public final class CallbackArguments {
    @Arg(name = "early_stopping_patience", help = "Stop after this many evaluations without improvement of metric_for_best_model (0 = never stop early).")
    int earlyStoppingPatience = 0;
    @Arg(name = "early_stopping_threshold", help = "How much metric_for_best_model must improve to count as an improvement.")
    double earlyStoppingThreshold = 0.0;

    public static CallbackArguments fromMap(Map<String, ?> values, String origin) {
        CallbackArguments a = ArgumentBinder.bind(new CallbackArguments(), values, origin);
        if (a.earlyStoppingPatience < 0) {
            throw new io.finetune4j.BadInputException("early_stopping_patience must be >= 0, got " + a.earlyStoppingPatience);
        }
        return a;
    }

    public int earlyStoppingPatience() { return earlyStoppingPatience; }
    public double earlyStoppingThreshold() { return earlyStoppingThreshold; }

    /** The early-stopping callback these arguments ask for, or null when patience is 0. */
    public EarlyStoppingCallback earlyStopping() {
        return earlyStoppingPatience > 0 ? new EarlyStoppingCallback(earlyStoppingPatience, earlyStoppingThreshold) : null;
    }
}
