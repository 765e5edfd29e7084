package io.finetune4j.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.finetune4j.data.Column;
import io.finetune4j.io.BertTokenizerFiles;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.train.DataCollatorWithPadding;
import io.finetune4j.train.EncodedColumns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One padding rule from the tokenizer files, used by the tokenizer (both paths), the Trainer's collator
 * and the pipeline: a tokenizer whose pad token is id 1 (as RoBERTa's {@code <pad>}) pads with 1
 * everywhere, and padding_side left in tokenizer_config.json moves the padding everywhere.
 */
class PadderTest {
    @TempDir
    Path dir;

    /** A WordPiece vocabulary with [PAD] at id 1 (RoBERTa's pad id), optionally padding on the left. */
    private Path folder(String name, String paddingSide) throws Exception {
        Path f = Files.createDirectories(dir.resolve(name));
        Files.write(f.resolve(BertTokenizerFiles.VOCAB), List.of("[CLS]", "[PAD]", "[SEP]", "[UNK]", "[MASK]", "a", "b", "c"));
        BertTokenizerFiles.write(f, true, 512);
        if (paddingSide != null) {
            String config = Files.readString(f.resolve(BertTokenizerFiles.TOKENIZER_CONFIG));
            Files.writeString(f.resolve(BertTokenizerFiles.TOKENIZER_CONFIG),
                    config.replaceFirst("\\{", "{\n  \"padding_side\" : \"" + paddingSide + "\","));
        }
        return f;
    }

    @Test
    void padIdComesFromTheTokenizerFilesEverywhere() throws Exception {
        try (AutoTokenizer tok = AutoTokenizer.fromPretrained(folder("pad1", null))) {
            assertEquals(new Padder(1, 0, EncodeOptions.Side.RIGHT), tok.padder());
            EncodeOptions toSix = EncodeOptions.builder().padding(EncodeOptions.Padding.MAX_LENGTH).maxLength(6).build();
            BatchEncoding enc = tok.encode("a b", toSix);
            assertArrayEquals(new int[] {0, 5, 6, 2, 1, 1}, enc.inputIds()[0]);
            assertArrayEquals(new int[] {1, 1, 1, 1, 0, 0}, enc.attentionMask()[0]);

            // The data set path pads the same way.
            Map<String, Column> mapped = tok.mapFunction("text", toSix).apply(Map.of("text", new Column.Strings(new String[] {"a b"})));
            assertArrayEquals(enc.inputIds()[0], ((Column.IntLists) mapped.get(BatchEncoding.INPUT_IDS)).values()[0]);

            // The Trainer's collator built from the tokenizer pads input_ids with 1, not BERT's 0.
            EncodedColumns cols = new EncodedColumns(new Column.IntLists(new int[][] {{0, 5, 2}, {0, 5, 6, 7, 2}}), null, null, null);
            try (Scope step = Scope.open()) {
                DataCollatorWithPadding.Batch b = DataCollatorWithPadding.of(tok, EncodeOptions.Padding.LONGEST, 0)
                        .collate(cols, new int[] {0, 1}, Device.cpu());
                assertArrayEquals(new long[] {0, 5, 2, 1, 1, 0, 5, 6, 7, 2}, b.inputIds().toLongArray());
                assertArrayEquals(new long[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, b.attentionMask().toLongArray());
                assertEquals(8, b.tokens());
            }
        }
    }

    @Test
    void paddingSideLeftFromTokenizerConfigAppliesToTokenizerAndCollator() throws Exception {
        try (AutoTokenizer tok = AutoTokenizer.fromPretrained(folder("left", "left"))) {
            assertEquals(EncodeOptions.Side.LEFT, tok.padder().side());
            BatchEncoding enc = tok.encode(List.of("a", "a b c"), EncodeOptions.builder().padding(EncodeOptions.Padding.LONGEST).build());
            assertArrayEquals(new int[] {1, 1, 0, 5, 2}, enc.inputIds()[0]);
            assertArrayEquals(new int[] {0, 0, 1, 1, 1}, enc.attentionMask()[0]);
            // A per-call padding_side still wins, as in HF.
            BatchEncoding right = tok.encode(List.of("a", "a b c"), EncodeOptions.builder().padding(EncodeOptions.Padding.LONGEST)
                    .paddingSide(EncodeOptions.Side.RIGHT).build());
            assertArrayEquals(new int[] {0, 5, 2, 1, 1}, right.inputIds()[0]);

            EncodedColumns cols = new EncodedColumns(new Column.IntLists(new int[][] {{0, 5, 2}}),
                    new Column.IntLists(new int[][] {{0, 0, 0}}), null, null);
            try (Scope step = Scope.open()) {
                DataCollatorWithPadding.Batch b = DataCollatorWithPadding.of(tok, EncodeOptions.Padding.MAX_LENGTH, 5)
                        .collate(cols, new int[] {0}, Device.cpu());
                assertArrayEquals(new long[] {1, 1, 0, 5, 2}, b.inputIds().toLongArray());
                assertArrayEquals(new long[] {0, 0, 1, 1, 1}, b.attentionMask().toLongArray());
            }
        }
    }

    @Test
    void aFolderWithOnlyTokenizerJsonFindsRobertaStylePadToken() throws Exception {
        Path f = Files.createDirectories(dir.resolve("json-only"));
        Files.write(f.resolve(BertTokenizerFiles.VOCAB), List.of("[CLS]", "<pad>", "[SEP]", "[UNK]", "<mask>", "a"));
        BertTokenizerFiles.write(f, true, 512);
        Files.delete(f.resolve(BertTokenizerFiles.TOKENIZER_CONFIG));
        Files.delete(f.resolve(BertTokenizerFiles.SPECIAL_TOKENS_MAP));
        Files.delete(f.resolve(BertTokenizerFiles.VOCAB));
        try (AutoTokenizer tok = AutoTokenizer.fromPretrained(f)) {
            assertEquals("<pad>", tok.padToken());
            assertEquals(1, tok.padder().padTokenId());
            assertEquals("<mask>", tok.maskToken());
            assertEquals(4, tok.maskTokenId());
        }
    }

    @Test
    void fillRowKeepsAnAlreadyPaddedRowsMask() {
        long[] ids = new long[6];
        long[] types = new long[6];
        long[] mask = new long[6];
        int tokens = Padder.BERT.fillRow(ids, types, mask, 1, 3, new int[] {101, 102, 0}, new int[] {0, 0, 0}, new int[] {1, 1, 0});
        assertEquals(2, tokens);
        assertArrayEquals(new long[] {0, 0, 0, 101, 102, 0}, ids);
        assertArrayEquals(new long[] {0, 0, 0, 1, 1, 0}, mask);
    }
}
