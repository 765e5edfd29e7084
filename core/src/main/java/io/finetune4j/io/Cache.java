package io.finetune4j.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one place that knows where finetune4j keeps downloaded and derived files:
 * {@code $FINETUNE4J_HOME}, or {@code ~/.cache/finetune4j}.
 *
 * <pre>
 *   models/NAME/        HF-layout checkpoint folders (config.json, model.safetensors, tokenizer files)
 *   datasets/NAME/      data sets as parquet, one file per split
 *   map/FINGERPRINT/    results of Dataset.map, keyed by a fingerprint of input, function and options
 *   downloads/          raw artifacts as the package clients fetched them
 *   machine/            facts measured once per machine (the matmul ceiling MFU divides by)
 *   features/KEY/       frozen-encoder features (cache_frozen_features), keyed by model, data and tokenization
 * </pre>
 */
public final class Cache {
    public static final String ENV = "FINETUNE4J_HOME";

    private final Path root;

    public Cache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The cache the environment asks for. */
    public static Cache standard() {
        return new Cache(defaultRoot(System.getenv()));
    }

    static Path defaultRoot(Map<String, String> env) {
        String home = env.get(ENV);
        if (home != null && !home.isBlank()) {
            return Path.of(home);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "finetune4j");
    }

    public Path root() {
        return root;
    }

    public Path models() {
        return root.resolve("models");
    }

    public Path model(String name) {
        return models().resolve(safeName(name));
    }

    public Path datasets() {
        return root.resolve("datasets");
    }

    public Path dataset(String name) {
        return datasets().resolve(safeName(name));
    }

    public Path mapCache() {
        return root.resolve("map");
    }

    public Path machine() {
        return root.resolve("machine");
    }

    public Path features() {
        return root.resolve("features");
    }

    public Path downloads() {
        return root.resolve("downloads");
    }

    /** Creates a directory (and parents), turning failures into a message that names the path. */
    public static Path ensureDirectory(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String safeName(String name) {
        // "google/bert-base-uncased" → "google--bert-base-uncased", as the HF hub cache does.
        return name.replace("/", "--");
    }
}
