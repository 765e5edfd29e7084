package io.finetune4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.finetune4j.models.FamilyTests;
import io.finetune4j.models.roberta.RobertaConfig;
import io.finetune4j.models.roberta.RobertaForSequenceClassification;
import io.finetune4j.pipeline.RuntimeOptions;
import io.finetune4j.torch.Device;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RoBERTa and XLM-RoBERTa exports on ONNX Runtime give the libtorch model's logits (models.roberta) within 1e-4, padding included. */
class RobertaTorchParityTest {
    @TempDir
    Path tmp;

    @Test
    void exportedRobertaMatchesTorch() throws Exception {
        for (String type : List.of(RobertaConfig.MODEL_TYPE, RobertaConfig.XLM_MODEL_TYPE)) {
            RobertaConfig c = RobertaConfig.tiny(type);
            int batch = 2;
            int seq = 12;
            long[][] ids = FamilyTests.randomIds(batch, seq, 200, 5, 3);
            long[][] mask = new long[batch][seq];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < seq; t++) {
                    boolean pad = b == 1 && t >= 7;
                    ids[b][t] = pad ? c.padTokenId() : ids[b][t];
                    mask[b][t] = pad ? 0 : 1;
                }
            }
            Path dir = tmp.resolve(type);
            float[] torch;
            try (RobertaForSequenceClassification model = FamilyTests.scramble(RobertaForSequenceClassification.CLASS.fromConfig(c, 3, Device.cpu()), 7)) {
                torch = FamilyTests.classifierLogits(model, ids, null, mask);
                model.savePretrained(dir);
            }
            TinyExports.writeTokenizer(dir); // the graph is fed ids directly; the export only carries these files
            Path out = tmp.resolve(type + "-onnx");
            OnnxExporter.export(dir, out, OnnxExporter.Options.defaults());
            long[] flatIds = new long[batch * seq];
            long[] flatMask = new long[batch * seq];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(ids[b], 0, flatIds, b * seq, seq);
                System.arraycopy(mask[b], 0, flatMask, b * seq, seq);
            }
            try (OnnxRuntimeModel m = OnnxRuntimeModel.open(out, RuntimeOptions.defaults())) {
                assertEquals(List.of("input_ids", "attention_mask"), m.inputNames());
                assertEquals(c.maxInputLength(), m.maxPositions(), "66 positions, 64 usable after padding_idx");
                float[] ort = m.logits(flatIds, flatMask, new long[batch * seq], batch, seq);
                for (int i = 0; i < torch.length; i++) {
                    assertEquals(torch[i], ort[i], 1e-4, type + " logit " + i);
                }
            }
        }
    }
}
