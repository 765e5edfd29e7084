package io.finetune4j.cli;

import io.finetune4j.io.Cache;
import io.finetune4j.io.hub.PretrainedModels;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForMaskedLM;
import io.finetune4j.io.BertTokenizerFiles;
import io.finetune4j.torch.Device;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;

/**
 * A finetune4j cache folder with tiny stand-ins under the real names: {@code models/NAME}, for every name
 * {@link PretrainedModels#known()} lists, is a random 2-layer, 32-wide BERT (masked LM, 512 positions) with
 * bert-base-uncased's real vocabulary and tokenizer files, complete as {@link PretrainedModels#isComplete}
 * demands (so no name is ever fetched), and {@code datasets/imdb} holds
 * train/test parquet files of short synthetic reviews (label 0 = neg, 1 = pos) in the layout the imdb
 * loader caches. Point a JVM at it with {@code -Dfinetune4j.home} ({@link Cache#PROPERTY}) and every known
 * name resolves through the real resolvers to these files: nothing is fetched.
 */
final class TinyCache {
    static final int ROWS_PER_SPLIT = 48;

    private TinyCache() {}

    static Path create(Path root) throws Exception {
        Cache cache = new Cache(root);
        for (PretrainedModels.PretrainedModel known : PretrainedModels.known()) {
            writeModel(Files.createDirectories(cache.model(known.name())), known.name());
        }
        writeImdb(Files.createDirectories(cache.dataset("imdb")));
        return root;
    }

    static BertConfig config() {
        return new BertConfig(30522, 32, 2, 2, 64, "gelu", 0.1, 0.1, 512, 2, 0.02, 1e-12, 0, "absolute",
                null, BertConfig.defaultLabels(2), null, null, null, Map.of());
    }

    private static void writeModel(Path dir, String name) throws IOException {
        try (BertForMaskedLM model = BertForMaskedLM.random(config(), 7, Device.cpu())) {
            model.savePretrained(dir);
        }
        try (InputStream in = TinyCache.class.getResourceAsStream("/tokenize/bert-base-uncased-vocab.txt")) {
            Files.write(dir.resolve("vocab.txt"), in.readAllBytes());
        }
        BertTokenizerFiles.write(dir, true, 512);
        Files.writeString(dir.resolve("source.json"), "{\"name\": \"" + name + "\", \"note\": \"tiny random stand-in written by a test\"}\n");
        if (!PretrainedModels.isComplete(dir)) {
            throw new IllegalStateException("tiny model folder is incomplete: " + dir);
        }
    }

    private static void writeImdb(Path dir) throws Exception {
        String[] good = {"a wonderful film, i loved every minute", "great acting and a moving story", "the best movie of the year",
                "funny, warm and beautifully shot", "i would watch it again tomorrow", "brilliant, a real joy"};
        String[] bad = {"a terrible film, i hated every minute", "awful acting and a boring story", "the worst movie of the year",
                "dull, cold and badly shot", "i walked out after an hour", "a complete waste of time"};
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:")) {
            for (String split : new String[] {"train", "test"}) {
                try (Statement s = db.createStatement()) {
                    s.execute("CREATE OR REPLACE TABLE reviews (text VARCHAR, label BIGINT)");
                }
                try (PreparedStatement insert = db.prepareStatement("INSERT INTO reviews VALUES (?, ?)")) {
                    for (int i = 0; i < ROWS_PER_SPLIT; i++) {
                        int label = i % 2;
                        String[] pool = label == 1 ? good : bad;
                        insert.setString(1, pool[(i / 2) % pool.length] + (split.equals("test") ? " indeed" : "") + " (" + i + ")");
                        insert.setLong(2, label);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                try (Statement s = db.createStatement()) {
                    s.execute("COPY reviews TO '" + dir.resolve(split + ".parquet").toString().replace("'", "''") + "' (FORMAT PARQUET)");
                }
            }
        }
    }
}
