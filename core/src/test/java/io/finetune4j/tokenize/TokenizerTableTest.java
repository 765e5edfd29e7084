package io.finetune4j.tokenize;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's tokenizer table: the cheap methods and attributes added for it, on the real bert-base-uncased vocabulary. */
class TokenizerTableTest {
    @TempDir
    Path tmp;

    @Test
    void convertTokensToStringNumSpecialTokensVocabAndAllSpecialTokens() throws Exception {
        try (AutoTokenizer tok = AutoTokenizer.fromPretrained(TokenizerTestFiles.bertVocabFolder(tmp))) {
            assertEquals("unaffable movie", tok.convertTokensToString(List.of("una", "##ffa", "##ble", "movie")));
            assertEquals(2, tok.numSpecialTokensToAdd(false));
            assertEquals(3, tok.numSpecialTokensToAdd(true));
            assertEquals(List.of("[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"), tok.allSpecialTokens());
            assertEquals(101, tok.vocab().get("[CLS]"));
            assertEquals(tok.vocabSize(), tok.vocab().size());
            assertThrows(UnsupportedOperationException.class, () -> tok.vocab().put("x", 1));
        }
    }
}
