package io.finetune4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRuntimesTest {
    @TempDir
    Path tmp;

    @Test
    void djlIsBuiltInAndUnknownNamesAreBadInput() throws Exception {
        assertEquals("torch", ModelRuntimes.available().get(0));
        Path dir = TinyCheckpoints.classifier(tmp, 2, null);
        BadInputException e = assertThrows(BadInputException.class,
                () -> TextClassificationPipeline.builder().model(dir).runtime("tensorrt").build());
        assertTrue(e.getMessage().contains("unknown runtime 'tensorrt'"), e.getMessage());
        BadInputException q = assertThrows(BadInputException.class,
                () -> TextClassificationPipeline.builder().model(dir).quantized(true).build());
        assertTrue(q.getMessage().contains("--quantized"), q.getMessage());
        try (TextClassificationPipeline p = TextClassificationPipeline.builder().model(dir).runtime("torch").build()) {
            assertEquals("torch", p.runtime().name());
            assertTrue(p.runtime().numParameters() > 0);
            assertEquals(1, p.classify(List.of("a fine film")).get(0).size());
        }
    }
}
