import ai.djl.Device;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.tokenize.BertTokenizerFiles;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

/**
 * Inputs for scripts/bench-spark.sh: a small random BERT classifier (2 layers, hidden 128, 2 heads: the shape of
 * Google's BERT-tiny) with bert-base-uncased's vocabulary, and the first N reviews of the IMDB test split (cache)
 * as parquet (for spark predict) and as one text per line (for predict). Usage: BenchInputs OUT_DIR N CACHE_DIR
 */
public class BenchInputs {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        Path cache = Path.of(args[2]);
        Path model = out.resolve("model");
        BertConfig config = new BertConfig(30522, 128, 2, 2, 512, "gelu", 0.1, 0.1, 512, 2, 0.02, 1e-12, 0, "absolute",
                null, BertConfig.defaultLabels(2), null, null, null, Map.of());
        try (BertForSequenceClassification m = BertForSequenceClassification.random(config, 1, Device.cpu())) {
            m.savePretrained(model);
        }
        Files.copy(cache.resolve("models/bert-base-uncased/vocab.txt"), model.resolve("vocab.txt"));
        BertTokenizerFiles.write(model, true, 512);
        Path parquet = cache.resolve("datasets/imdb/test.parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            // Newlines become spaces in both copies, so both commands see the very same texts.
            String rows = "SELECT replace(replace(text, chr(13), ' '), chr(10), ' ') AS text, label FROM read_parquet('" + parquet
                    + "') ORDER BY hash(text) LIMIT " + n;
            s.execute("COPY (" + rows + ") TO '" + out.resolve("reviews.parquet") + "' (FORMAT parquet)");
            try (ResultSet r = s.executeQuery("SELECT text FROM read_parquet('" + out.resolve("reviews.parquet") + "')");
                 BufferedWriter w = Files.newBufferedWriter(out.resolve("reviews.txt"), StandardCharsets.UTF_8)) {
                while (r.next()) {
                    w.write(r.getString(1));
                    w.write('\n');
                }
            }
        }
    }
}
