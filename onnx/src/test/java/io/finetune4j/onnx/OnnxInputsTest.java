package io.finetune4j.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import io.finetune4j.pipeline.TextClassificationPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An ONNX file whose inputs are not what the tokenizer gives is refused with one clear message. */
class OnnxInputsTest {
    @TempDir
    Path tmp;

    @Test
    void inputsTheTokenizerDoesNotMakeAreBadInput() throws Exception {
        Path dir = TinyExports.classifier(tmp, "ck", TinyExports.config(2, 1), 3);
        Files.createDirectories(dir.resolve("onnx"));
        OnnxGraph g = new OnnxGraph("vision");
        String x = g.input("pixel_values", OnnxProto.TensorProto.INT64, "batch_size", 2);
        g.opInto("Cast", "logits", List.of(x), OnnxProto.attrInt("to", OnnxProto.TensorProto.FLOAT));
        g.output("logits", OnnxProto.TensorProto.FLOAT, "batch_size", 2);
        g.write(dir.resolve("onnx/model.onnx"), 17, null, Map.of(), "test");
        BadInputException e = assertThrows(BadInputException.class,
                () -> TextClassificationPipeline.builder().model(dir).runtime("onnx").build());
        assertTrue(e.getMessage().contains("takes input 'pixel_values', which the tokenizer does not produce"), e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
    }
}
