package io.finetune4j.models;

import io.finetune4j.BadInputException;
import io.finetune4j.nn.Losses;
import io.finetune4j.torch.Tensor;
import java.util.Map;

/**
 * What every family's {@code …ForSequenceClassification} shares: HF's {@code forward(labels)} with the loss
 * chosen by {@code problem_type} (inferred as HF does when absent). A family implements {@link #logits}.
 */
public abstract class SequenceClassificationModel extends PreTrainedModel implements SequenceClassifier {
    private float labelSmoothing;

    protected SequenceClassificationModel(PretrainedConfig config) {
        super(config);
    }

    /** Label smoothing of the cross-entropy loss (TrainingArguments' label_smoothing_factor); 0 by default. */
    public void setLabelSmoothing(float factor) {
        if (factor < 0f || factor >= 1f) {
            throw new BadInputException("label_smoothing_factor must be in [0, 1), got " + factor);
        }
        this.labelSmoothing = factor;
    }

    /**
     * HF's forward. Inputs int64 {@code [batch, seq]} (tokenTypeIds and attentionMask may be null). With labels,
     * the loss follows config.problem_type (see {@link #loss}).
     */
    @Override
    public SequenceClassifierOutput forward(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, Tensor labels, boolean training) {
        Tensor logits = logits(inputIds, tokenTypeIds, attentionMask, training);
        Tensor loss = labels == null ? null : loss(logits, labels);
        return new SequenceClassifierOutput(logits, loss);
    }

    /**
     * The mean loss of HF's heads: regression → MSE, single_label_classification → cross-entropy (with
     * label smoothing), multi_label_classification → BCE with logits. Without problem_type, HF's rule:
     * num_labels 1 → regression, integer labels → single-label, else multi-label.
     */
    @Override
    public Tensor loss(Tensor logits, Tensor labels) {
        return switch (problemType(config.problemType(), config.numLabels(), isInteger(labels))) {
            case "regression" -> Losses.mse(logits, labels);
            case "single_label_classification" -> Losses.crossEntropy(logits, labels, labelSmoothing);
            default -> Losses.binaryCrossEntropyWithLogits(logits, labels);
        };
    }

    private static boolean isInteger(Tensor t) {
        return !t.dtype().isFloatingPoint() && t.dtype() != io.finetune4j.torch.DType.BOOL;
    }

    /** HF's inference of problem_type when config.json has none. */
    public static String problemType(String configured, int numLabels, boolean integerLabels) {
        if (configured != null) {
            return configured;
        }
        if (numLabels == 1) {
            return "regression";
        }
        return integerLabels ? "single_label_classification" : "multi_label_classification";
    }

    @Override
    public String problemType(boolean integerLabels) {
        return problemType(config.problemType(), config.numLabels(), integerLabels);
    }

    @Override
    public String configProblemType() {
        return config.problemType();
    }

    @Override
    public int numLabels() {
        return config.numLabels();
    }

    @Override
    public Map<Integer, String> id2label() {
        return config.id2label();
    }

    @Override
    public io.finetune4j.torch.Device device() {
        return super.device();
    }

}
