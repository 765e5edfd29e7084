package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import io.finetune4j.io.Tensor;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.peft.LoraConfig;
import io.finetune4j.peft.LoraModel;
import io.finetune4j.peft.PeftTestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnfreezeScheduleTest {
    @TempDir
    Path tmp;

    @Test
    void widensFromTheTopAndNewlyUnfrozenLayersGetUpdates() {
        try (BertForSequenceClassification bert = PeftTestData.tinyBert(1)) {
            UnfreezeSchedule schedule = UnfreezeSchedule.fromArguments(bert,
                    UnfreezeArguments.fromMap(Map.of("unfreeze_layers_per_epoch", 1), "test"));
            assertEquals(List.of(0, 1, 2, 3, 3), List.of(schedule.layersForEpoch(0), schedule.layersForEpoch(1),
                    schedule.layersForEpoch(2), schedule.layersForEpoch(3), schedule.layersForEpoch(4)));
            assertEquals(List.of("bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight", "classifier.bias"),
                    bert.trainableParameterNames(), "epoch 0 is head-only from construction on");

            List<Map<String, Tensor>> snapshots = new ArrayList<>();
            List<List<String>> trainableAtEpoch = new ArrayList<>();
            TrainerCallback recorder = new TrainerCallback() {
                @Override
                public void onEpochBegin(TrainingArguments a, TrainerState s, TrainerControl c) {
                    snapshots.add(bert.stateDict());
                    trainableAtEpoch.add(bert.trainableParameterNames());
                }

                @Override
                public void onTrainEnd(TrainingArguments a, TrainerState s, TrainerControl c) {
                    snapshots.add(bert.stateDict());
                }
            };
            Trainer.builder().model(bert).args(PeftTestData.args(tmp.resolve("out")).numTrainEpochs(3).build())
                    .trainColumns(PeftTestData.task(32, 2)).callback(schedule).callback(recorder).peakFlops(1e11).build().train();

            assertEquals(3, trainableAtEpoch.size());
            assertEquals(4, trainableAtEpoch.get(0).size());
            assertTrue(trainableAtEpoch.get(1).stream().anyMatch(n -> n.startsWith("bert.encoder.layer.1.")));
            assertTrue(trainableAtEpoch.get(1).stream().noneMatch(n -> n.startsWith("bert.encoder.layer.0.")));
            assertTrue(trainableAtEpoch.get(2).stream().anyMatch(n -> n.startsWith("bert.encoder.layer.0.")));
            assertTrue(trainableAtEpoch.get(2).stream().noneMatch(n -> n.startsWith("bert.embeddings.")));

            assertEquals(Set.of("head"), changedGroups(snapshots.get(0), snapshots.get(1)));
            assertEquals(Set.of("head", "layer.1"), changedGroups(snapshots.get(1), snapshots.get(2)));
            assertEquals(Set.of("head", "layer.0", "layer.1"), changedGroups(snapshots.get(2), snapshots.get(3)));

            schedule.apply(3); // past the encoder's depth: the embeddings join, as in ULMFiT
            assertEquals(bert.numParameters(false), bert.numParameters(true));
            schedule.apply(0);
            assertEquals(4, bert.trainableParameterNames().size());
        }
    }

    @Test
    void offByDefaultAndRefusedForLora() {
        try (BertForSequenceClassification bert = PeftTestData.tinyBert(1)) {
            assertNull(UnfreezeSchedule.fromArguments(bert, UnfreezeArguments.fromMap(Map.of(), "test")));
            assertEquals(bert.numParameters(false), bert.numParameters(true), "no schedule: nothing frozen");
            UnfreezeSchedule fixedTop = UnfreezeSchedule.fromArguments(bert, UnfreezeArguments.fromMap(Map.of("unfreeze_start_layers", 1), "test"));
            assertEquals(1, fixedTop.layersForEpoch(5));
            assertThrows(BadInputException.class, () -> UnfreezeArguments.fromMap(Map.of("unfreeze_layers_per_epoch", -1), "test"));
            assertThrows(BadInputException.class, () -> UnfreezeArguments.fromMap(Map.of("unfreeze_layer_per_epoch", 1), "test"));
        }
        try (LoraModel lora = LoraModel.wrap(PeftTestData.tinyBert(1), LoraConfig.defaults(), 1)) {
            assertThrows(BadInputException.class, () -> UnfreezeSchedule.fromArguments(lora,
                    UnfreezeArguments.fromMap(Map.of("unfreeze_layers_per_epoch", 1), "test")));
        }
    }

    /** Which groups (head, layer.i, embeddings) have a parameter that differs between two snapshots. */
    private static Set<String> changedGroups(Map<String, Tensor> before, Map<String, Tensor> after) {
        Set<String> out = new TreeSet<>();
        before.forEach((name, t) -> {
            if (!Arrays.equals(t.toFloats(), after.get(name).toFloats())) {
                if (name.startsWith("bert.encoder.layer.")) {
                    out.add("layer." + name.split("\\.")[3]);
                } else if (name.startsWith("bert.pooler") || name.startsWith("classifier")) {
                    out.add("head");
                } else {
                    out.add(name);
                }
            }
        });
        return out;
    }
}
