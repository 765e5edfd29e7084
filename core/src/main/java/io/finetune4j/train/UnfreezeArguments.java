package io.finetune4j.train;

import io.finetune4j.BadInputException;
import io.finetune4j.config.Arg;
import io.finetune4j.config.ArgumentBinder;
import java.util.Map;

/**
 * Gradual unfreezing (ULMFiT-style), top-level keys of a training config: start from the head only and
 * unfreeze encoder layers from the top, {@code unfreeze_layers_per_epoch} more at each epoch start.
 */
public final class UnfreezeArguments {
    @Arg(name = "unfreeze_layers_per_epoch", help = "Gradual unfreezing: train the head plus this many more top encoder layers at each new epoch, then the embeddings (the whole model) once all encoder layers train (0 = off unless unfreeze_start_layers is set).")
    int unfreezeLayersPerEpoch = 0;
    @Arg(name = "unfreeze_start_layers", help = "Gradual unfreezing: top encoder layers trained (besides pooler and classifier) in the first epoch.")
    int unfreezeStartLayers = 0;

    public static UnfreezeArguments fromMap(Map<String, ?> values, String origin) {
        UnfreezeArguments a = ArgumentBinder.bind(new UnfreezeArguments(), values, origin);
        if (a.unfreezeLayersPerEpoch < 0 || a.unfreezeStartLayers < 0) {
            throw new BadInputException("unfreeze_layers_per_epoch and unfreeze_start_layers must be >= 0, got "
                    + a.unfreezeLayersPerEpoch + " and " + a.unfreezeStartLayers);
        }
        return a;
    }

    public int unfreezeLayersPerEpoch() {
        return unfreezeLayersPerEpoch;
    }

    public int unfreezeStartLayers() {
        return unfreezeStartLayers;
    }

    /** Whether these arguments ask for a schedule at all. */
    public boolean enabled() {
        return unfreezeLayersPerEpoch > 0 || unfreezeStartLayers > 0;
    }
}
