package io.finetune4j.tokenize;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The committed bert-base-uncased vocab.txt and IMDB train[0], copied into test folders. */
final class TokenizerTestFiles {
    private TokenizerTestFiles() {}

    static String resource(String name) {
        try (InputStream in = TokenizerTestFiles.class.getResourceAsStream("/tokenize/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A folder holding only bert-base-uncased's vocab.txt, like Google's checkpoint. */
    static Path bertVocabFolder(Path parent) throws IOException {
        Path dir = Files.createDirectories(parent.resolve("bert-base-uncased"));
        Files.writeString(dir.resolve("vocab.txt"), resource("bert-base-uncased-vocab.txt"));
        return dir;
    }

    static String imdbTrain0() {
        return resource("imdb-train0.txt");
    }

    static int[] seedInputIds() {
        String[] parts = resource("imdb-train0-seed-input-ids.txt").trim().split("\\s+");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            ids[i] = Integer.parseInt(parts[i]);
        }
        return ids;
    }
}
