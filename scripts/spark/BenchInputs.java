import io.finetune4j.torch.Device;
import io.finetune4j.bench.BenchModel;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.tokenize.AutoTokenizer;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.io.BertTokenizerFiles;
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
 * Inputs for scripts/bench-spark.sh: a classifier in OUT_DIR/model and the first N reviews of the IMDB test split
 * (cache) as parquet (for spark predict) and as one text per line (for predict).
 * Usage: BenchInputs OUT_DIR N CACHE_DIR [MODEL]. MODEL {@code tiny} (default): a small random BERT (2 layers,
 * hidden 128, 2 heads: the shape of Google's BERT-tiny) with bert-base-uncased's vocabulary;
 * {@code bert-base-uncased:L}: bert-base-uncased from the cache cut to its first L layers, random 2-label head.
 */
public class BenchInputs {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        Path cache = Path.of(args[2]);
        Path model = out.resolve("model");
        String spec = args.length > 3 ? args[3] : "tiny";
        if (spec.startsWith("bert-base-uncased:")) {
            Path base = cache.resolve("models/bert-base-uncased");
            int layers = Integer.parseInt(spec.substring(spec.indexOf(':') + 1));
            try (SequenceClassificationModel cut = BenchModel.pretrained(spec, base, layers).open(Device.cpu());
                 AutoTokenizer tok = AutoTokenizer.fromPretrained(base)) {
                cut.savePretrained(model);
                tok.savePretrained(model);
            }
        } else if (spec.equals("tiny")) {
            tiny(model, cache);
        } else {
            throw new IllegalArgumentException("MODEL must be tiny or bert-base-uncased:LAYERS, got " + spec);
        }
        reviews(out, n, cache);
    }

    private static void tiny(Path model, Path cache) throws Exception {
        BertConfig config = new BertConfig(30522, 128, 2, 2, 512, "gelu", 0.1, 0.1, 512, 2, 0.02, 1e-12, 0, "absolute",
                null, BertConfig.defaultLabels(2), null, null, null, Map.of());
        try (BertForSequenceClassification m = BertForSequenceClassification.random(config, 1, Device.cpu())) {
            m.savePretrained(model);
        }
        Files.copy(cache.resolve("models/bert-base-uncased/vocab.txt"), model.resolve("vocab.txt"));
        BertTokenizerFiles.write(model, true, 512);
    }

    private static void reviews(Path out, int n, Path cache) throws Exception {
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
