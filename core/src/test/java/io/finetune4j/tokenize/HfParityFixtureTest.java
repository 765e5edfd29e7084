package io.finetune4j.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compares with HF's own AutoTokenizer (transformers 5.17) for bert-base-uncased on 161 texts (IMDB reviews,
 * accents, CJK, emoji, control characters, long words): tests/fixtures/tokenizer_parity.json, see
 * tests/fixtures/README.md. Both our tokenizer built from a vocab.txt-only folder (as Google's checkpoint
 * comes) and HF's own tokenizer.json (tests/fixtures/tiny-hf) must give HF's ids.
 */
class HfParityFixtureTest {
    @TempDir
    Path tmp;

    @Test
    void matchesHfAutoTokenizer() throws Exception {
        JsonNode f = new ObjectMapper().readTree(Path.of("tests/fixtures/tokenizer_parity.json").toFile());
        List<String> texts = strings(f.get("texts"));
        for (Path dir : List.of(TokenizerTestFiles.bertVocabFolder(tmp), Path.of("tests/fixtures/tiny-hf"))) {
            try (AutoTokenizer tok = AutoTokenizer.fromPretrained(dir)) {
                BatchEncoding padded = tok.encode(texts, EncodeOptions.builder().truncation(true).maxLength(160)
                        .padding(EncodeOptions.Padding.MAX_LENGTH).build());
                BatchEncoding full = tok.encode(texts, EncodeOptions.builder().truncation(false).build());
                for (int i = 0; i < texts.size(); i++) {
                    String where = dir + " text " + i + ": " + texts.get(i);
                    assertArrayEquals(ints(f.get("ids_160").get(i)), padded.inputIds()[i], where);
                    assertArrayEquals(ints(f.get("mask_160").get(i)), padded.get(BatchEncoding.ATTENTION_MASK)[i], where);
                    assertArrayEquals(ints(f.get("ids_full").get(i)), full.inputIds()[i], where);
                }
                List<String> first = new ArrayList<>();
                List<String> second = new ArrayList<>();
                for (JsonNode p : f.get("pairs")) {
                    first.add(p.get(0).asText());
                    second.add(p.get(1).asText());
                }
                BatchEncoding pairs = tok.encode(first, second, EncodeOptions.builder()
                        .truncation(EncodeOptions.Truncation.LONGEST_FIRST).maxLength(128).padding(EncodeOptions.Padding.MAX_LENGTH).build());
                assertEquals(f.get("pairs").size(), pairs.size());
                for (int i = 0; i < first.size(); i++) {
                    assertArrayEquals(ints(f.get("pair_ids_128").get(i)), pairs.inputIds()[i], dir + " pair " + i);
                    assertArrayEquals(ints(f.get("pair_types_128").get(i)), pairs.get(BatchEncoding.TOKEN_TYPE_IDS)[i], dir + " pair " + i);
                }
            }
        }
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }
}
