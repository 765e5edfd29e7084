// Writes the tests' tiny random BERT classifier (2 layers, hidden 32, 2 heads, 64 positions, the
// bert-base-uncased vocabulary, labels negative/positive) for load tests of `serve`
// (scripts/load-test-serve.sh, docs/BENCHMARKS.md): scripts/serve/tiny-classifier.sh OUT [--onnx].
// Runs in jshell on the cli jar's class path; the folder is the system property out, the vocabulary
// file the system property vocab.
import ai.djl.Device;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.io.BertTokenizerFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

var out = Path.of(System.getProperty("out"));
var config = new BertConfig(30522, 32, 2, 2, 64, "gelu", 0.1, 0.1, 64, 2, 0.02, 1e-12, 0, "absolute",
        null, Map.of(0, "negative", 1, "positive"), null, null, null, Map.of());
try (var model = BertForSequenceClassification.random(config, 9, Device.cpu())) {
    model.savePretrained(out);
}
Files.copy(Path.of(System.getProperty("vocab")), out.resolve("vocab.txt"));
BertTokenizerFiles.write(out, true, 512);
System.out.println("wrote " + out);
/exit
