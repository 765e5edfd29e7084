package io.finetune4j.tasks;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.config.ArgumentDocs;
import io.finetune4j.train.CallbackArguments;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/ARGUMENTS.md is generated from the code; this fails when someone changes an argument without regenerating it. */
class ArgumentsDocTest {
    @Test
    void argumentsMarkdownIsUpToDate() throws Exception {
        Path doc = Path.of("docs/ARGUMENTS.md");
        String expected = ArgumentSections.markdown();
        assertTrue(Files.isRegularFile(doc), "docs/ARGUMENTS.md is missing: run bin/finetune4j docs arguments > docs/ARGUMENTS.md");
        assertEquals(expected, Files.readString(doc),
                "docs/ARGUMENTS.md is out of date: run bin/finetune4j docs arguments > docs/ARGUMENTS.md");
    }

    @Test
    void callbackArgumentsBindWithHuggingFaceNames() {
        CallbackArguments a = CallbackArguments.fromMap(java.util.Map.of("early_stopping_patience", 3, "early_stopping_threshold", 0.01), "test");
        assertEquals(3, a.earlyStoppingPatience());
        assertEquals(0.01, a.earlyStoppingThreshold());
        assertNotNull(a.earlyStopping());
        assertNull(new CallbackArguments().earlyStopping());
    }
}
