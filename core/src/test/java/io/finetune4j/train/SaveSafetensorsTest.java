package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.Tensor;
import io.finetune4j.io.TorchCheckpoint;
import io.finetune4j.models.SequenceClassifier;
import io.finetune4j.models.bert.BertForSequenceClassification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * save_safetensors false: checkpoints and the final model hold pytorch_model.bin (torch.save of the state dict) and no
 * model.safetensors; the model loads back with the same logits, and a run resumes from such a checkpoint exactly.
 */
class SaveSafetensorsTest {
    static final long[][] IDS = {{1, 17, 42, 9, 33, 2}, {1, 5, 6, 7, 8, 2}};
    static final long[][] MASK = {{1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0}};

    @TempDir
    Path tmp;

    private static TrainingArguments.Builder args(Path out) {
        return ResumeRuns.args(out, 42).maxSteps(12).set("save_safetensors", false);
    }

    private static float[] logits(SequenceClassifier model) {
        try (Scope step = Scope.open(); io.finetune4j.torch.Autograd noGrad = io.finetune4j.torch.Autograd.noGrad()) {
            io.finetune4j.torch.Tensor ids = GradientCheckpointingTest.tensor(IDS);
            return model.logits(ids, null, GradientCheckpointingTest.tensor(MASK), false).toFloatArray();
        }
    }

    @Test
    void checkpointsAndTheModelArePytorchModelBinAndResumeExactly() throws Exception {
        Path straight = tmp.resolve("straight");
        float[] trained;
        try (BertForSequenceClassification model = ResumeRuns.tinyBert()) {
            ResumeRuns.trainer(model, args(straight).build()).train();
            trained = logits(model);
        }
        for (Path dir : new Path[] {straight, straight.resolve("checkpoint-4"), straight.resolve("checkpoint-12")}) {
            assertTrue(Files.isRegularFile(dir.resolve(TorchCheckpoint.SINGLE_FILE)), dir + " has pytorch_model.bin");
            assertFalse(Files.exists(dir.resolve(SafeTensors.SINGLE_FILE)), dir + " has no model.safetensors");
        }
        Map<String, Tensor> saved = TorchCheckpoint.read(straight.resolve(TorchCheckpoint.SINGLE_FILE));
        assertTrue(saved.containsKey("bert.embeddings.word_embeddings.weight") && saved.containsKey("classifier.bias"), saved.keySet().toString());
        try (BertForSequenceClassification loaded = BertForSequenceClassification.fromPretrained(straight,
                io.finetune4j.models.LoadOptions.builder().device(Device.cpu()).build())) {
            assertArrayEquals(trained, logits(loaded), "logits of the reloaded pytorch_model.bin");
        }

        Path resumed = tmp.resolve("resumed");
        try (BertForSequenceClassification model = ResumeRuns.tinyBert()) {
            ResumeRuns.trainer(model, args(resumed).set("resume_from_checkpoint", straight.resolve("checkpoint-4").toString()).build()).train();
        }
        Map<String, Tensor> end = TorchCheckpoint.read(resumed.resolve(TorchCheckpoint.SINGLE_FILE));
        assertEquals(saved.keySet(), end.keySet());
        saved.forEach((name, t) -> assertArrayEquals(t.toFloats(), end.get(name).toFloats(), "resumed from checkpoint-4: " + name));
    }

    @Test
    void savingAsPytorchModelBinOverAnEarlierSafetensorsSaveRemovesTheStaleFile() {
        Path dir = tmp.resolve("model");
        try (BertForSequenceClassification model = ResumeRuns.tinyBert()) {
            model.savePretrained(dir);
            assertTrue(Files.isRegularFile(dir.resolve(SafeTensors.SINGLE_FILE)));
            model.savePretrained(dir, false);
            assertFalse(Files.exists(dir.resolve(SafeTensors.SINGLE_FILE)), "from_pretrained would prefer the stale safetensors");
            assertEquals(model.stateDict().keySet(), TorchCheckpoint.read(dir.resolve(TorchCheckpoint.SINGLE_FILE)).keySet());
        }
    }

    @Test
    void loraAdaptersSaveAsAdapterModelBinAndLoadBack() {
        Path dir = tmp.resolve("adapter");
        io.finetune4j.peft.LoraConfig config = io.finetune4j.peft.LoraConfig.builder().r(4).loraAlpha(8).build();
        try (io.finetune4j.peft.LoraModel a = io.finetune4j.peft.LoraModel.wrap(ResumeRuns.tinyBert(), config, 1);
                io.finetune4j.peft.LoraModel b = io.finetune4j.peft.LoraModel.wrap(ResumeRuns.tinyBert(), config, 2)) {
            a.savePretrained(dir, false);
            assertTrue(Files.isRegularFile(dir.resolve(io.finetune4j.peft.LoraConfig.TORCH_WEIGHTS_FILE)));
            assertFalse(Files.exists(dir.resolve(io.finetune4j.peft.LoraConfig.WEIGHTS_FILE)));
            b.loadCheckpoint(dir);
            Map<String, Tensor> want = a.stateDict();
            Map<String, Tensor> got = b.stateDict();
            assertEquals(want.keySet(), got.keySet());
            want.forEach((name, t) -> assertArrayEquals(t.toFloats(), got.get(name).toFloats(), name));
        }
    }
}
