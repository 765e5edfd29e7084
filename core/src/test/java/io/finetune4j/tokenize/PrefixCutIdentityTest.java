package io.finetune4j.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.finetune4j.io.BertTokenizerFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prefix cut must give exactly the tokens of encoding the whole text: checked over texts of
 * English, CJK (split per character), accents and combining marks, control characters, long words
 * (over 100 characters: [UNK]), punctuation runs and texts with no whitespace at all.
 */
class PrefixCutIdentityTest {
    @TempDir
    Path tmp;

    private static final String[] PIECES = {
        "the", "movie", "was", "terribly", "good", "unaffable", "CURIOUS-YELLOW", "<br", "/><br", "/>", "...", "!!!",
        "naïve", "café", "Ångström", "résumé", "e\u0301", "\u0301", "日本語", "中文字符", "한국어", "😀", "🎬film",
        "don't", "I'm", "$1,000.00", "x".repeat(120), "supercalifragilistic", "\u0000", "\u00ad", "\ufffd", "İstanbul",
        "ﬁ", "Ⅻ", "ＡＢＣ", "a.b.c", "(parenthesis)", "\"quoted\"", "tab\tsep", "line\nbreak", "\u00a0nbsp", "\u3000ideo"
    };

    private static String randomText(Random rnd) {
        StringBuilder sb = new StringBuilder();
        int words = rnd.nextInt(600);
        boolean noSpaces = rnd.nextInt(10) == 0;
        for (int w = 0; w < words; w++) {
            if (w > 0 && !noSpaces) {
                sb.append(switch (rnd.nextInt(8)) {
                    case 0 -> "  ";
                    case 1 -> "\n";
                    case 2 -> " \t";
                    default -> " ";
                });
            }
            sb.append(PIECES[rnd.nextInt(PIECES.length)]);
        }
        return sb.toString();
    }

    @Test
    void prefixCutEqualsWholeTextEncoding() throws Exception {
        Path dir = TokenizerTestFiles.bertVocabFolder(tmp);
        BertTokenizerFiles.write(dir, true, 512);
        List<String> texts = new ArrayList<>();
        Random rnd = new Random(42);
        for (int i = 0; i < 400; i++) {
            texts.add(randomText(rnd));
        }
        String review = TokenizerTestFiles.imdbTrain0();
        texts.add(review);
        texts.add(review.replace(" ", "")); // no whitespace at all: falls back to the whole text
        texts.add("中".repeat(5000)); // CJK without spaces
        texts.add(("word".repeat(30) + " ").repeat(100)); // each word is [UNK]: the prefix must grow
        texts.add("é ".repeat(3000));
        texts.add("");
        String[] array = texts.toArray(String[]::new);
        try (NativeHandles handles = new NativeHandles(Files.readAllBytes(dir.resolve("tokenizer.json")), dir)) {
            Encoder cut = new Encoder(handles, true);
            Encoder whole = new Encoder(handles, false);
            Encoder.Fields fields = new Encoder.Fields(true, true, true, true, true);
            for (int maxLength : new int[] {8, 64, 160, 512}) {
                for (boolean special : new boolean[] {true, false}) {
                    EncodeOptions options = EncodeOptions.builder().truncation(true).maxLength(maxLength).addSpecialTokens(special).build();
                    List<Encoder.Row> a = cut.encode(array, null, options, maxLength, fields);
                    List<Encoder.Row> b = whole.encode(array, null, options, maxLength, fields);
                    assertEquals(b.size(), a.size());
                    for (int i = 0; i < a.size(); i++) {
                        String where = "text " + i + " at max_length " + maxLength;
                        assertArrayEquals(b.get(i).ids, a.get(i).ids, where);
                        assertArrayEquals(b.get(i).typeIds, a.get(i).typeIds, where);
                        assertArrayEquals(b.get(i).attention, a.get(i).attention, where);
                        assertArrayEquals(b.get(i).special, a.get(i).special, where);
                        assertArrayEquals(b.get(i).offsets, a.get(i).offsets, where);
                        assertArrayEquals(b.get(i).tokens, a.get(i).tokens, where);
                    }
                }
            }
        }
    }

    @Test
    void cutsOnlyAtAsciiWhitespace() {
        assertEquals(5, Encoder.prefixEnd("abcde", 10));
        assertEquals(3, Encoder.prefixEnd("abc def ghi", 5));
        assertEquals(11, Encoder.prefixEnd("abcdefghijk", 5)); // nothing to cut at: whole text
        assertEquals(4, Encoder.prefixEnd("abc\u00a0\ndef", 4));
        assertEquals(8, Encoder.prefixEnd("abc\u00a0\ndef", 3)); // a no-break space is not cut at
    }
}
