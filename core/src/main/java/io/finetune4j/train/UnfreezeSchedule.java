package io.finetune4j.train;

import io.finetune4j.BadInputException;
import io.finetune4j.models.PreTrainedModel;
import io.finetune4j.models.SequenceClassifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gradual unfreezing as a Trainer callback: epoch {@code e} trains the task head (pooler + classifier)
 * and the top {@code start + e·perEpoch} encoder layers. As in ULMFiT the embeddings count as one more
 * layer below the encoder: once the count passes the encoder's depth, the whole model trains. The
 * Trainer's AdamW gives newly trainable parameters fresh state at their first step.
 */
public final class UnfreezeSchedule implements TrainerCallback {
    private static final Logger LOG = LoggerFactory.getLogger(UnfreezeSchedule.class);

    private final PreTrainedModel model;
    private final int startLayers;
    private final int layersPerEpoch;
    private int current = -1;

    /** Applies epoch 0's trainable set right away, so the optimizer built next sees it. */
    public UnfreezeSchedule(PreTrainedModel model, int startLayers, int layersPerEpoch) {
        if (startLayers < 0 || layersPerEpoch < 0) {
            throw new BadInputException("unfreeze_start_layers and unfreeze_layers_per_epoch must be >= 0");
        }
        this.model = model;
        this.startLayers = startLayers;
        this.layersPerEpoch = layersPerEpoch;
        apply(0);
    }

    /**
     * The callback the arguments ask for, or null when they ask for none. Only a plain BERT model can be
     * unfrozen layer by layer (a LoRA model's base stays frozen by design).
     */
    public static UnfreezeSchedule fromArguments(SequenceClassifier model, UnfreezeArguments args) {
        if (args == null || !args.enabled()) {
            return null;
        }
        if (!(model instanceof PreTrainedModel bert)) {
            throw new BadInputException("gradual unfreezing (unfreeze_layers_per_epoch) needs a plain BERT model, not "
                    + model.getClass().getSimpleName() + "; drop the peft section or the unfreeze_* arguments");
        }
        return new UnfreezeSchedule(bert, args.unfreezeStartLayers(), args.unfreezeLayersPerEpoch());
    }

    /**
     * Layers trained during epoch {@code epoch} (0-based), counted from the top: encoder layers, then
     * {@code num_hidden_layers + 1} for the whole model (embeddings included).
     */
    public int layersForEpoch(int epoch) {
        long k = startLayers + (long) epoch * layersPerEpoch;
        return (int) Math.min(model.config().numHiddenLayers() + 1L, k);
    }

    /** Sets the trainable parameters for {@code epoch}; returns {@link #layersForEpoch}. */
    public int apply(int epoch) {
        int k = layersForEpoch(epoch);
        int layers = model.config().numHiddenLayers();
        if (k != current) {
            if (k > layers) {
                model.unfreeze(".");
                LOG.info("epoch {}: training the whole model, embeddings included ({} parameters)", epoch, model.numParameters(true));
            } else {
                model.freezeAllButHead();
                if (k > 0) {
                    model.unfreezeTopLayers(k);
                }
                LOG.info("epoch {}: training the head and the top {} of {} encoder layers ({} parameters)",
                        epoch, k, layers, model.numParameters(true));
            }
            current = k;
        }
        return k;
    }

    @Override
    public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
        apply(epochIndex(state)); // resuming mid-run restores that epoch's set
    }

    @Override
    public void onEpochBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
        apply(epochIndex(state));
    }

    private static int epochIndex(TrainerState state) {
        return (int) Math.floor(state.epoch + 1e-9);
    }
}
