package io.finetune4j.onnx;

import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.io.BertTokenizerFiles;
import io.finetune4j.torch.Device;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Tiny random BERT classifiers saved as real checkpoint folders with bert-base-uncased's tokenizer (as in core's tests). */
final class TinyExports {
    static final int MAX_POSITIONS = 64;

    private TinyExports() {}

    static BertConfig config(int numLabels, int layers) {
        return new BertConfig(30522, 32, layers, 2, 64, "gelu", 0.1, 0.1, MAX_POSITIONS, 2, 0.2, 1e-12, 0, "absolute",
                null, BertConfig.defaultLabels(numLabels), null, null, null, Map.of());
    }

    static Path classifier(Path parent, String name, BertConfig config, long seed) throws IOException {
        Path dir = parent.resolve(name);
        try (BertForSequenceClassification model = BertForSequenceClassification.random(config, seed, Device.cpu())) {
            model.savePretrained(dir);
        }
        writeTokenizer(dir);
        return dir;
    }

    static void writeTokenizer(Path dir) throws IOException {
        try (InputStream in = TinyExports.class.getResourceAsStream("/tokenize/bert-base-uncased-vocab.txt")) {
            Files.write(dir.resolve(BertTokenizerFiles.VOCAB), in.readAllBytes());
        }
        BertTokenizerFiles.write(dir, true, BertTokenizerFiles.DEFAULT_MODEL_MAX_LENGTH);
    }
}
