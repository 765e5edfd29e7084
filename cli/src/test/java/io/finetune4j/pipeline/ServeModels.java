package io.finetune4j.pipeline;

import ai.djl.Device;
import io.finetune4j.model.BertConfig;
import io.finetune4j.model.BertForSequenceClassification;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Tiny random BERT checkpoints for the serving tests, built with core's {@link TinyCheckpoints}
 * (64 positions, bert-base-uncased's tokenizer files).
 */
public final class ServeModels {
    /** The tiny models' position limit, so max_input_length. */
    public static final int MAX_POSITIONS = TinyCheckpoints.MAX_POSITIONS;

    private ServeModels() {}

    /** A single-label classifier with {@code numLabels} named labels. */
    public static Path classifier(Path parent, Map<Integer, String> id2label) throws IOException {
        return TinyCheckpoints.classifier(parent, id2label.size(), id2label);
    }

    /** A multi-label classifier (config.json problem_type multi_label_classification). */
    public static Path multiLabel(Path parent, int numLabels) throws IOException {
        BertConfig base = TinyCheckpoints.config(numLabels);
        BertConfig config = new BertConfig(base.vocabSize(), base.hiddenSize(), base.numHiddenLayers(), base.numAttentionHeads(),
                base.intermediateSize(), base.hiddenAct(), base.hiddenDropoutProb(), base.attentionProbsDropoutProb(),
                base.maxPositionEmbeddings(), base.typeVocabSize(), base.initializerRange(), base.layerNormEps(), base.padTokenId(),
                base.positionEmbeddingType(), base.classifierDropout(), base.id2label(), "multi_label_classification",
                base.architectures(), base.transformersVersion(), base.extra());
        Path dir = parent.resolve("multi-label-" + numLabels);
        try (BertForSequenceClassification model = BertForSequenceClassification.random(config, 13, Device.cpu())) {
            model.savePretrained(dir);
        }
        TinyCheckpoints.writeTokenizer(dir);
        return dir;
    }
}
