package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.data.Column;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.Tensor;
import io.finetune4j.io.TorchCheckpoint;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.bert.BertForSequenceClassification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints move between HF's Trainer and this one: {@code tests/fixtures/hf-trainer*} hold what HF's own Trainer
 * (transformers 4.48, torch 1.13, CPU) wrote for a tiny BERT trained 8 steps on 64 pre-tokenized rows, with its per-step
 * losses and batch rows (manifest.json). Resuming HF's checkpoint-4 here must train steps 5–8 on HF's rows to HF's losses
 * and checkpoint-8's weights (dropout off), and finetune4j's optimizer.pt, scheduler.pt and rng_state.pth must have the
 * structure of HF's.
 */
class HfTrainerCheckpointTest {
    static final Path NODROP = Path.of("tests/fixtures/hf-trainer-nodrop");
    static final Path DROPOUT = Path.of("tests/fixtures/hf-trainer");
    static final ObjectMapper JSON = new ObjectMapper();
    /** What rng_state.pth pickles besides dicts, tuples and a tensor: numpy's MT19937 state array. */
    static final Set<String> NUMPY = Set.of("numpy.core.multiarray._reconstruct", "numpy.ndarray", "numpy.dtype", "_codecs.encode");

    @TempDir
    Path tmp;

    /** HF's 64 training rows (token ids, no text) as the Trainer's columns. */
    static EncodedColumns rows(Path fixture) throws IOException {
        JsonNode rows = JSON.readTree(fixture.resolve("train_rows.json").toFile()).get("rows");
        int n = rows.size();
        int[][] ids = new int[n][];
        int[][] types = new int[n][];
        int[][] mask = new int[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = ints(rows.get(i).get("input_ids"));
            types[i] = ints(rows.get(i).get("token_type_ids"));
            mask[i] = ints(rows.get(i).get("attention_mask"));
            labels[i] = rows.get(i).get("labels").asInt();
        }
        return new EncodedColumns(new Column.IntLists(ids), new Column.IntLists(types), new Column.IntLists(mask), new Column.Ints(labels));
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    /** The fixture's TrainingArguments (manifest.json "explicit"), saving every step so that each step's start can be checked. */
    static TrainingArguments args(Path out, String resume) {
        return TrainingArguments.builder().outputDir(out.toString()).learningRate(1e-3).perDeviceTrainBatchSize(8).weightDecay(0.01)
                .maxSteps(8).seed(42).set("data_seed", 42).set("warmup_steps", 2).set("lr_scheduler_type", "linear")
                .set("logging_steps", 2).saveStrategy("steps").set("save_steps", 1).set("disable_tqdm", true)
                .set("report_to", "none").set("resume_from_checkpoint", resume).build();
    }

    static BertForSequenceClassification model(Path dir) {
        return BertForSequenceClassification.fromPretrained(dir, LoadOptions.builder().device(Device.cpu()).build());
    }

    static Path copyCheckpoint(Path fixture, Path out) throws IOException {
        Path target = out.resolve("checkpoint-4");
        Files.createDirectories(target);
        try (Stream<Path> s = Files.list(fixture.resolve("run/checkpoint-4"))) {
            for (Path f : s.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        return target;
    }

    @Test
    void resumesHfTrainersCheckpointOnItsRowsToItsLossesAndWeights() throws Exception {
        Path out = tmp.resolve("run");
        Path ckpt4 = copyCheckpoint(NODROP, out);
        EncodedColumns rows = rows(NODROP);
        try (BertForSequenceClassification model = model(NODROP.resolve("run/checkpoint-4"))) {
            Trainer.builder().model(model).args(args(out, ckpt4.toString())).trainColumns(rows).peakFlops(1e11).build().train();
        }
        JsonNode steps = JSON.readTree(NODROP.resolve("manifest.json").toFile()).get("training").get("per_step");
        // each step's loss: the weights it started from (the checkpoint before it) on the rows HF's sampler gave it
        for (int step = 5; step <= 8; step++) {
            JsonNode hf = steps.get(step - 1);
            assertEquals(step, hf.get("step").asInt());
            try (BertForSequenceClassification before = model(out.resolve("checkpoint-" + (step - 1)))) {
                double loss = loss(before, rows, ints(hf.get("rows")));
                System.out.printf("step %d: loss %.9f, HF's %.9f, |diff| %.2e%n", step, loss, hf.get("loss").asDouble(),
                        Math.abs(loss - hf.get("loss").asDouble()));
                assertEquals(hf.get("loss").asDouble(), loss, 1e-5, "step " + step);
            }
        }
        Map<String, Tensor> ours = SafeTensors.read(out.resolve("checkpoint-8/model.safetensors"));
        Map<String, Tensor> theirs = SafeTensors.read(NODROP.resolve("run/checkpoint-8/model.safetensors"));
        assertEquals(theirs.keySet(), ours.keySet());
        double worst = 0;
        for (String name : theirs.keySet()) {
            float[] a = ours.get(name).toFloats();
            float[] b = theirs.get(name).toFloats();
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
            }
        }
        System.out.printf("final weights vs HF's checkpoint-8: max |diff| %.2e%n", worst);
        assertTrue(worst <= 1e-5, "final weights differ from HF's checkpoint-8 by " + worst);
        TrainerState state = TrainerState.load(out.resolve("checkpoint-8/trainer_state.json"));
        assertEquals(8, state.globalStep);
        assertEquals(1.0, state.epoch, 1e-12);

        // finetune4j's own files have the structure of HF's
        Path hf4 = NODROP.resolve("run/checkpoint-4");
        Path ours8 = out.resolve("checkpoint-8");
        for (String f : List.of("optimizer.pt", "scheduler.pt", "rng_state.pth")) {
            assertEquals(zipLayout(hf4.resolve(f)), zipLayout(ours8.resolve(f)), f);
            assertEquals(shape(TorchCheckpoint.readObject(hf4.resolve(f), NUMPY)), shape(TorchCheckpoint.readObject(ours8.resolve(f), NUMPY)), f);
        }
        // trainer_state.json: HF's keys, and the TrainerControl entry HF's Trainer updates when it saves after a resume
        JsonNode hfState = JSON.readTree(hf4.resolve("trainer_state.json").toFile());
        JsonNode ourState = JSON.readTree(ours8.resolve("trainer_state.json").toFile());
        hfState.fieldNames().forEachRemaining(k -> assertTrue(ourState.has(k), "trainer_state.json lacks " + k));
        assertEquals(hfState.get("stateful_callbacks"), ourState.get("stateful_callbacks"));
        // the values HF's resume reads: per-parameter step, the groups' hyper-parameters, the schedule's position
        Map<?, ?> opt = (Map<?, ?>) TorchCheckpoint.readObject(ours8.resolve("optimizer.pt"));
        Map<?, ?> state0 = (Map<?, ?>) ((Map<?, ?>) opt.get("state")).get(0L);
        assertEquals(8f, ((Tensor) state0.get("step")).toFloats()[0]);
        Map<?, ?> g0 = (Map<?, ?>) ((List<?>) opt.get("param_groups")).get(0);
        Map<?, ?> g1 = (Map<?, ?>) ((List<?>) opt.get("param_groups")).get(1);
        Map<?, ?> hfOpt = (Map<?, ?>) TorchCheckpoint.readObject(hf4.resolve("optimizer.pt"));
        Map<?, ?> hfG0 = (Map<?, ?>) ((List<?>) hfOpt.get("param_groups")).get(0);
        assertEquals(hfG0.get("params"), g0.get("params"));
        assertEquals(0.01, (Double) g0.get("weight_decay"));
        assertEquals(0.0, (Double) g1.get("weight_decay"));
        assertEquals(List.of(0.9, 0.999), g0.get("betas"));
        Map<?, ?> sched = (Map<?, ?>) TorchCheckpoint.readObject(ours8.resolve("scheduler.pt"));
        assertEquals(8L, sched.get("last_epoch"));
        assertEquals(9L, sched.get("_step_count"));
    }

    @Test
    void resumesHfTrainersDropoutRunAndFinishes() throws Exception {
        Path out = tmp.resolve("dropout");
        Path ckpt4 = copyCheckpoint(DROPOUT, out);
        try (BertForSequenceClassification model = model(DROPOUT.resolve("run/checkpoint-4"))) {
            TrainOutput o = Trainer.builder().model(model).args(args(out, ckpt4.toString())).trainColumns(rows(DROPOUT)).peakFlops(1e11)
                    .build().train();
            assertEquals(8, o.globalStep());
            assertTrue(Double.isFinite(o.trainingLoss()) && o.trainingLoss() > 0.6 && o.trainingLoss() < 0.8, "" + o.trainingLoss());
        }
        assertTrue(Files.isRegularFile(out.resolve("checkpoint-8/optimizer.pt")));
    }

    @Test
    void aCheckpointOfAnotherBatchSizeOrModelStopsBeforeTrainingAndStaysUnchanged() throws Exception {
        Path out = tmp.resolve("mismatch");
        Path ckpt4 = copyCheckpoint(NODROP, out);
        Map<String, byte[]> before = files(out);
        TrainingArguments batch4 = TrainingArguments.builder().outputDir(out.toString()).learningRate(1e-3).perDeviceTrainBatchSize(4)
                .maxSteps(8).seed(42).saveStrategy("steps").set("save_steps", 1).set("disable_tqdm", true).set("report_to", "none")
                .set("resume_from_checkpoint", ckpt4.toString()).build();
        try (BertForSequenceClassification model = model(NODROP.resolve("run/checkpoint-4"))) {
            io.finetune4j.BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(io.finetune4j.BadInputException.class,
                    () -> Trainer.builder().model(model).args(batch4).trainColumns(rows(NODROP)).peakFlops(1e11).build().train());
            assertTrue(e.getMessage().contains("batch size 8") && e.getMessage().contains("per_device_train_batch_size 4"), e.getMessage());
        }
        try (BertForSequenceClassification other = BertForSequenceClassification.random(new io.finetune4j.models.bert.BertConfig(200, 32, 1,
                2, 64, "gelu", 0.0, 0.0, 64, 2, 0.02, 1e-12, 0, "absolute", null, io.finetune4j.models.bert.BertConfig.defaultLabels(2),
                null, null, null, Map.of()), 1, Device.cpu())) {
            io.finetune4j.BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(io.finetune4j.BadInputException.class,
                    () -> Trainer.builder().model(other).args(args(out, ckpt4.toString())).trainColumns(rows(NODROP)).peakFlops(1e11).build()
                            .train());
            assertTrue(e.getMessage().contains("num_hidden_layers 2") && e.getMessage().contains("has 1"), e.getMessage());
        }
        assertEquals(before.keySet(), files(out).keySet(), "nothing written");
        files(out).forEach((k, v) -> assertTrue(java.util.Arrays.equals(before.get(k), v), k + " unchanged"));
    }

    @Test
    void checkpointsOfEarlierFinetune4jVersionsStillResume() throws Exception {
        Path out = tmp.resolve("now");
        Path ckpt4 = copyCheckpoint(NODROP, out);
        EncodedColumns rows = rows(NODROP);
        try (BertForSequenceClassification model = model(NODROP.resolve("run/checkpoint-4"))) {
            Trainer.builder().model(model).args(args(out, ckpt4.toString())).trainColumns(rows).peakFlops(1e11).build().train();
        }
        // checkpoint-5 as finetune4j wrote it before HF's files: optimizer.safetensors and scheduler.json
        Path old = tmp.resolve("old");
        Path ckpt5 = old.resolve("checkpoint-5");
        Files.createDirectories(ckpt5);
        for (String f : List.of("config.json", "model.safetensors", "trainer_state.json")) {
            Files.copy(out.resolve("checkpoint-5").resolve(f), ckpt5.resolve(f));
        }
        try (BertForSequenceClassification model = model(ckpt5); AdamW opt = AdamW.of(model.namedParameters(), args(old, null))) {
            opt.loadStateDict(out.resolve("checkpoint-5/optimizer.pt"));
            opt.save(ckpt5.resolve(Checkpoints.LEGACY_OPTIMIZER_FILE));
        }
        Files.writeString(ckpt5.resolve(Checkpoints.LEGACY_SCHEDULER_FILE), "{\"last_epoch\": 5}\n");
        try (BertForSequenceClassification model = model(ckpt5)) {
            Trainer.builder().model(model).args(args(old, ckpt5.toString())).trainColumns(rows).peakFlops(1e11).build().train();
        }
        Map<String, Tensor> a = SafeTensors.read(out.resolve("checkpoint-8/model.safetensors"));
        Map<String, Tensor> b = SafeTensors.read(old.resolve("checkpoint-8/model.safetensors"));
        for (String name : a.keySet()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.get(name).toFloats(), b.get(name).toFloats(), 1e-7f, name);
        }
    }

    private static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    /** The mean cross-entropy of {@code model} (no dropout) on the given rows: what a training step's loss is before its update. */
    static double loss(BertForSequenceClassification model, EncodedColumns c, int[] batch) {
        try (Scope step = Scope.open(); io.finetune4j.torch.Autograd noGrad = io.finetune4j.torch.Autograd.noGrad()) {
            int len = c.inputIds().values()[0].length;
            long[] ids = new long[batch.length * len];
            long[] types = new long[ids.length];
            long[] mask = new long[ids.length];
            long[] labels = new long[batch.length];
            for (int i = 0; i < batch.length; i++) {
                for (int j = 0; j < len; j++) {
                    ids[i * len + j] = c.inputIds().values()[batch[i]][j];
                    types[i * len + j] = c.tokenTypeIds().values()[batch[i]][j];
                    mask[i * len + j] = c.attentionMask().values()[batch[i]][j];
                }
                labels[i] = ((Column.Ints) c.labels()).values()[batch[i]];
            }
            long n = batch.length;
            io.finetune4j.torch.Tensor out = model.forward(io.finetune4j.torch.Tensor.of(ids, n, len), io.finetune4j.torch.Tensor.of(types, n, len), io.finetune4j.torch.Tensor.of(mask, n, len),
                    io.finetune4j.torch.Tensor.of(labels), false).loss();
            return (float) out.item();
        }
    }

    /** Entry names (archive folder first), all stored, data 64-byte aligned, version "3". */
    static List<String> zipLayout(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                assertEquals(ZipEntry.STORED, entry.getMethod(), entry.getName());
                out.add(entry.getName());
                if (entry.getName().endsWith("/version")) {
                    assertEquals("3", new String(zip.getInputStream(entry).readAllBytes()).strip());
                }
                if (entry.getName().endsWith("/data.pkl")) {
                    byte[] head = zip.getInputStream(entry).readNBytes(2);
                    assertEquals(0x80, head[0] & 0xff);
                    assertEquals(2, head[1]); // pickle protocol 2
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** Keys, Python types, tensor dtypes and shapes, list lengths: everything but the numbers (and torch 2.6's param_names). */
    static Object shape(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            m.forEach((k, v) -> {
                if (!"param_names".equals(k)) {
                    out.put(k.getClass().getSimpleName() + ":" + k, shape(v));
                }
            });
            return out;
        }
        if (o instanceof List<?> l) {
            if (l.size() > 8 && l.stream().allMatch(x -> x instanceof Long)) {
                return "ints[" + l.size() + "]";
            }
            return l.stream().map(HfTrainerCheckpointTest::shape).toList();
        }
        if (o instanceof Tensor t) {
            return "tensor " + t.dtype() + java.util.Arrays.toString(t.shape());
        }
        if (o instanceof TorchCheckpoint.PythonObject p) {
            return List.of(p.global(), shape(p.args()), shape(p.state()));
        }
        if (o instanceof String s && s.length() > 64) {
            return "bytes[" + s.length() + "]";
        }
        if (o instanceof String s) {
            return "str:" + s;
        }
        return o == null ? "None" : o.getClass().getSimpleName();
    }
}
