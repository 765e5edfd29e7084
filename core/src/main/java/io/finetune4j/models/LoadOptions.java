package io.finetune4j.models;

import io.finetune4j.torch.Device;
import java.util.Map;

/**
 * Options for {@code fromPretrained}: HF's {@code num_labels}, {@code id2label}, {@code problem_type}, a smaller
 * {@code num_hidden_layers}, the device, the seed for newly initialised weights and HF's
 * {@code attn_implementation} (null: auto, the faster one for the device and dtype).
 * Null fields keep the checkpoint's value (device: a GPU when there is one, else the CPU).
 */
public record LoadOptions(Integer numLabels, Map<Integer, String> id2label, String problemType, Integer numHiddenLayers, Device device, long seed,
        String attnImplementation) {
    public static final long DEFAULT_SEED = 42;

    public static LoadOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Integer numLabels;
        private Map<Integer, String> id2label;
        private String problemType;
        private Integer numHiddenLayers;
        private Device device;
        private long seed = DEFAULT_SEED;
        private String attnImplementation;

        public Builder numLabels(int n) {
            this.numLabels = n;
            return this;
        }

        public Builder id2label(Map<Integer, String> labels) {
            this.id2label = labels;
            return this;
        }

        /** single_label_classification, multi_label_classification or regression (null: the checkpoint's, else inferred). */
        public Builder problemType(String p) {
            this.problemType = p;
            return this;
        }

        public Builder numHiddenLayers(int n) {
            this.numHiddenLayers = n;
            return this;
        }

        public Builder device(Device d) {
            this.device = d;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * HF's {@code from_pretrained(attn_implementation=...)}: eager or sdpa; null or "auto" = the faster one for the
         * device and dtype ({@link io.finetune4j.nn.AttnImplementation}). Anything else is one clear line.
         */
        public Builder attnImplementation(String value) {
            this.attnImplementation = io.finetune4j.nn.AttnImplementation.validate(value);
            return this;
        }

        public LoadOptions build() {
            return new LoadOptions(numLabels, id2label == null ? null : Map.copyOf(id2label), problemType, numHiddenLayers, device, seed,
                    attnImplementation);
        }
    }
}
