package io.finetune4j.pipeline;

import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForMaskedLM;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.io.BertTokenizerFiles;
import io.finetune4j.torch.Device;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Tiny random BERTs saved as real checkpoint folders (config.json, model.safetensors) with
 * bert-base-uncased's tokenizer files, as the Trainer writes them.
 */
final class TinyCheckpoints {
    /** Positions of the tiny models: fewer than the tokenizer's model_max_length (512). */
    static final int MAX_POSITIONS = 64;

    private TinyCheckpoints() {}

    static BertConfig config(int numLabels) {
        return new BertConfig(30522, 32, 2, 2, 64, "gelu", 0.1, 0.1, MAX_POSITIONS, 2, 0.2, 1e-12, 0, "absolute",
                null, BertConfig.defaultLabels(numLabels), null, null, null, Map.of());
    }

    static Path classifier(Path parent, int numLabels, Map<Integer, String> id2label) throws IOException {
        Path dir = parent.resolve("classifier-" + numLabels + (id2label == null ? "" : "-named"));
        BertConfig config = id2label == null ? config(numLabels) : config(numLabels).withId2label(id2label);
        try (BertForSequenceClassification model = BertForSequenceClassification.random(config, 7, Device.cpu())) {
            model.savePretrained(dir);
        }
        writeTokenizer(dir);
        return dir;
    }

    static Path maskedLm(Path parent) throws IOException {
        Path dir = parent.resolve("mlm");
        try (BertForMaskedLM model = BertForMaskedLM.random(config(2), 11, Device.cpu())) {
            model.savePretrained(dir);
        }
        writeTokenizer(dir);
        return dir;
    }

    static void writeTokenizer(Path dir) throws IOException {
        try (InputStream in = TinyCheckpoints.class.getResourceAsStream("/tokenize/bert-base-uncased-vocab.txt")) {
            Files.write(dir.resolve(BertTokenizerFiles.VOCAB), in.readAllBytes());
        }
        BertTokenizerFiles.write(dir, true, BertTokenizerFiles.DEFAULT_MODEL_MAX_LENGTH);
    }
}
