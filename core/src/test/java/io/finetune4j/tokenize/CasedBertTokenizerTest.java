package io.finetune4j.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.finetune4j.io.BertTokenizerFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tokenizer files written for Google's cased checkpoints (bert-base-cased, bert-base-multilingual-cased)
 * behave as HF's BertTokenizerFast: no lower-casing, accents kept, and every CJK character its own word
 * (BasicTokenizer's tokenize_chinese_chars / the normalizer's handle_chinese_chars).
 */
class CasedBertTokenizerTest {
    @TempDir
    Path dir;

    private static final List<String> VOCAB = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
            "Paris", "is", "the", "capital", "of", "France", ".", "Café", "cafe", "Cafe", "paris",
            "巴", "黎", "是", "法", "国", "的", "首", "都", "。", "東", "京", "##s");

    private AutoTokenizer tokenizer(String name, boolean lowerCase) throws Exception {
        Path folder = Files.createDirectories(dir.resolve(name));
        Files.write(folder.resolve(BertTokenizerFiles.VOCAB), VOCAB);
        BertTokenizerFiles.write(folder, lowerCase, 512);
        return AutoTokenizer.fromPretrained(folder);
    }

    @Test
    void chineseIsSplitIntoSingleCharacters() throws Exception {
        try (AutoTokenizer tok = tokenizer("multi", false)) {
            assertEquals(List.of("巴", "黎", "是", "法", "国", "的", "首", "都", "。"), tok.tokenize("巴黎是法国的首都。"));
            // Mixed text: CJK characters split off even without spaces; Latin words stay whole.
            assertEquals(List.of("Paris", "是", "法", "国", "的", "首", "都", "。"), tok.tokenize("Paris是法国的首都。"));
            assertEquals(List.of("東", "京", "[UNK]"), tok.tokenize("東京駅"));
            int[] ids = tok.encode("巴黎", EncodeOptions.builder().build()).inputIds()[0];
            assertArrayEquals(new int[] {2, 16, 17, 3}, ids);
        }
    }

    @Test
    void casedKeepsCapitalsAndAccentsUncasedDropsBoth() throws Exception {
        try (AutoTokenizer cased = tokenizer("cased", false); AutoTokenizer uncased = tokenizer("uncased", true)) {
            assertEquals(List.of("Paris", "is", "the", "capital", "of", "France", "."), cased.tokenize("Paris is the capital of France."));
            assertEquals(List.of("Café", "Cafe"), cased.tokenize("Café Cafe"));
            assertEquals(List.of("paris", "cafe"), uncased.tokenize("Paris Café"));
            assertEquals("Paris is the capital of France.", cased.decode(cased.encode("Paris is the capital of France.",
                    EncodeOptions.builder().build()).inputIds()[0], true));
        }
    }
}
