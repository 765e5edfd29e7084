package io.finetune4j.data;

import io.finetune4j.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Stanford aclImdb folder layout: {@code train/neg/*.txt}, {@code train/pos/*.txt}, and the
 * same under {@code test/}. Files are read in folder order (neg then pos, by review id), texts
 * are strict UTF-8, labels are ClassLabel([neg, pos]).
 */
final class AclImdbReader {
    static final ClassLabel LABELS = ClassLabel.of("neg", "pos");

    private AclImdbReader() {}

    static boolean looksLikeAclImdb(Path dir) {
        for (String split : List.of("train", "test")) {
            if (Files.isDirectory(dir.resolve(split).resolve("pos")) || Files.isDirectory(dir.resolve(split).resolve("neg"))) {
                return true;
            }
        }
        return false;
    }

    static DatasetDict load(Path dir, LoadDatasetOptions options) {
        List<String> available = new ArrayList<>();
        for (String split : List.of("train", "test")) {
            if (Files.isDirectory(dir.resolve(split))) available.add(split);
        }
        SplitSpec spec = options.split() == null ? null : SplitSpec.parse(options.split());
        if (spec != null && !available.contains(spec.split())) {
            throw new BadInputException("unknown split '" + spec.split() + "' in " + dir + "; available splits: " + String.join(", ", available));
        }
        Map<String, Dataset> splits = new LinkedHashMap<>();
        Map<String, Integer> skipped = new LinkedHashMap<>();
        for (String split : available) {
            if (spec != null && !spec.split().equals(split)) continue;
            List<String> texts = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            int bad = 0;
            for (int label = 0; label < LABELS.numClasses(); label++) {
                Path folder = dir.resolve(split).resolve(LABELS.int2str(label));
                if (!Files.isDirectory(folder)) continue;
                for (Path file : reviewFiles(folder)) {
                    String problem = null;
                    String text = null;
                    try {
                        text = decode(Files.readAllBytes(file));
                        if (text.isBlank()) problem = "missing text (empty file)";
                    } catch (CharacterCodingException e) {
                        problem = "invalid UTF-8 text (" + e.getMessage() + ")";
                    } catch (IOException e) {
                        throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
                    }
                    if (problem == null) {
                        texts.add(text);
                        labels.add(label);
                    } else if (options.onBadRows() == LoadDatasetOptions.BadRows.SKIP) {
                        bad++;
                    } else {
                        throw new BadInputException(file + " row 1: " + problem + " (fix or remove the file, or load with onBadRows skip)");
                    }
                }
            }
            Map<String, Column> cols = new LinkedHashMap<>();
            cols.put("text", new Column.Strings(texts.toArray(String[]::new)));
            cols.put("label", new Column.Ints(labels.stream().mapToInt(Integer::intValue).toArray()));
            Dataset d = new Dataset(cols, new Features(Map.of("label", LABELS)));
            splits.put(split, spec == null ? d : spec.apply(d));
            skipped.put(split, bad);
        }
        return DatasetDict.withSkipped(splits, skipped);
    }

    /** *.txt files ordered by their numeric id ("123_8.txt" → 123), as the archive lists them. */
    private static List<Path> reviewFiles(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".txt"))
                    .sorted(Comparator.comparingLong(AclImdbReader::reviewId).thenComparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new BadInputException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    private static long reviewId(Path p) {
        String n = p.getFileName().toString();
        int cut = n.indexOf('_');
        try {
            return Long.parseLong(cut > 0 ? n.substring(0, cut) : n.substring(0, n.length() - 4));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String decode(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }
}
