package io.finetune4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.BadInputException;
import io.finetune4j.nn.Losses;
import java.util.Map;

/**
 * What every family's {@code …ForSequenceClassification} shares: HF's {@code forward(labels)} with the loss
 * chosen by {@code problem_type} (inferred as HF does when absent). A family implements {@link #logits}.
 */
public abstract class SequenceClassificationModel extends PreTrainedModel implements SequenceClassifier {
    private float labelSmoothing;

    protected SequenceClassificationModel(PretrainedConfig config, NDManager manager) {
        super(config, manager);
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
    public SequenceClassifierOutput forward(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, NDArray labels, boolean training) {
        NDArray logits = logits(inputIds, tokenTypeIds, attentionMask, training);
        return new SequenceClassifierOutput(logits, labels == null ? null : loss(logits, labels));
    }

    /**
     * The mean loss of HF's heads: regression → MSE, single_label_classification → cross-entropy (with
     * label smoothing), multi_label_classification → BCE with logits. Without problem_type, HF's rule:
     * num_labels 1 → regression, integer labels → single-label, else multi-label.
     */
    @Override
    public NDArray loss(NDArray logits, NDArray labels) {
        return switch (problemType(config.problemType(), config.numLabels(), labels.getDataType().isInteger())) {
            case "regression" -> Losses.mse(logits, labels);
            case "single_label_classification" -> Losses.crossEntropy(logits, labels, labelSmoothing);
            default -> Losses.binaryCrossEntropyWithLogits(logits, labels);
        };
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
    public NDList forward(NDList inputs, boolean training) {
        SequenceClassifierOutput out = forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null,
                inputs.size() > 2 ? inputs.get(2) : null, inputs.size() > 3 ? inputs.get(3) : null, training);
        return out.hasLoss() ? new NDList(out.logits(), out.loss()) : new NDList(out.logits());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), config.numLabels())};
    }
}
