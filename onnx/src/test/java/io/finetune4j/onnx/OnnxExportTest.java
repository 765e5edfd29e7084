package io.finetune4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.pipeline.LongTextMode;
import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.pipeline.TextClassificationPipeline.Prediction;
import io.finetune4j.pipeline.TextClassifier.LabelScore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exported tiny BERTs on a real ONNX Runtime session give the DJL model's probabilities. */
class OnnxExportTest {
    static final double FLOAT_TOLERANCE = 1e-4;
    /** int8 dynamic quantization of a tiny random model: probabilities within this of float32 (measured max 0.0054). */
    static final double INT8_TOLERANCE = 0.02;

    static final List<String> TEXTS = List.of("I hate this movie", "i love this movie", "ok",
            "A long and winding review that goes on about the plot, the actors and the music for a while, and then some more.",
            "The acting was wooden, the plot predictable and the ending fell flat; I would not watch it again.",
            "Brilliant! A moving story with great performances and a score that stays with you for days.");

    @TempDir
    static Path tmp;
    static Path checkpoint;
    static Path exported;

    @BeforeAll
    static void export() throws Exception {
        checkpoint = TinyExports.classifier(tmp, "bert-3", TinyExports.config(3, 2).withId2label(Map.of(0, "neg", 1, "mid", 2, "pos")), 7);
        exported = tmp.resolve("exported");
        OnnxExporter.export(checkpoint, exported, OnnxExporter.Options.defaults().withQuantization(Quantization.INT8));
    }

    @Test
    void writesTheTransformersJsLayout() {
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx", "onnx/model_quantized.onnx")) {
            assertTrue(Files.isRegularFile(exported.resolve(f)), f);
        }
        try (OnnxRuntimeModel m = OnnxRuntimeModel.open(exported, new io.finetune4j.pipeline.RuntimeOptions(null, false))) {
            assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), m.inputNames());
            assertEquals(3, m.numLabels());
            assertEquals(Map.of(0, "neg", 1, "mid", 2, "pos"), m.id2label());
        }
    }

    @Test
    void float32ProbabilitiesEqualDjlWithin1e4() {
        assertSameScores(builder(checkpoint).runtime("torch"), builder(exported).runtime("onnx"), FLOAT_TOLERANCE, true);
    }

    @Test
    void windowsAndBatchingBehaveTheSame() {
        List<String> longTexts = List.of(String.join(" ", java.util.Collections.nCopies(40, "a long review about a film")), "short one");
        try (TextClassificationPipeline djl = builder(checkpoint).batchSize(2).maxLength(32).longText(LongTextMode.WINDOWS, 8).build();
             TextClassificationPipeline ort = builder(exported).runtime("onnx").batchSize(2).maxLength(32).longText(LongTextMode.WINDOWS, 8).build()) {
            List<Prediction> a = djl.predict(longTexts, 0);
            List<Prediction> b = ort.predict(longTexts, 0);
            assertTrue(a.get(0).windows() > 1);
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).windows(), b.get(i).windows());
                assertClose(a.get(i).scores(), b.get(i).scores(), FLOAT_TOLERANCE, true);
            }
        }
    }

    @Test
    void int8KeepsLabelsAndProbabilitiesClose() {
        assertSameScores(builder(exported).runtime("onnx"), builder(exported).runtime("onnx").quantized(true), INT8_TOLERANCE, true);
    }

    @Test
    void externalDataLoadsTheSame() throws Exception {
        Path external = tmp.resolve("external");
        OnnxExporter.export(checkpoint, external, OnnxExporter.Options.defaults().withExternalDataThreshold(0));
        assertTrue(Files.size(external.resolve("onnx/model.onnx_data")) > Files.size(external.resolve("onnx/model.onnx")));
        assertSameScores(builder(checkpoint), builder(external).runtime("onnx"), FLOAT_TOLERANCE, true);
    }

    private static TextClassificationPipeline.Builder builder(Path dir) {
        return TextClassificationPipeline.builder().model(dir).topK(0).batchSize(4);
    }

    static void assertSameScores(TextClassificationPipeline.Builder expected, TextClassificationPipeline.Builder actual, double tol, boolean sameLabels) {
        try (TextClassificationPipeline a = expected.build(); TextClassificationPipeline b = actual.build()) {
            assertEquals(a.labels(), b.labels());
            assertEquals(a.maxLength(), b.maxLength());
            List<List<LabelScore>> x = a.classify(TEXTS, 0);
            List<List<LabelScore>> y = b.classify(TEXTS, 0);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertClose(x.get(i), y.get(i), tol, sameLabels);
            }
        }
    }

    static void assertClose(List<LabelScore> x, List<LabelScore> y, double tol, boolean sameLabels) {
        assertEquals(x.size(), y.size());
        if (sameLabels) {
            assertEquals(x.get(0).label(), y.get(0).label(), "best label " + x + " vs " + y);
        }
        Map<String, Double> m = new java.util.HashMap<>();
        y.forEach(s -> m.put(s.label(), s.score()));
        for (LabelScore s : x) {
            double d = Math.abs(s.score() - m.get(s.label()));
            assertTrue(d <= tol, s.label() + ": " + s.score() + " vs " + m.get(s.label()) + " (|d| " + d + " > " + tol + ")");
        }
        assertFalse(x.isEmpty());
    }
}
