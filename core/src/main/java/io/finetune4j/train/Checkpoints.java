package io.finetune4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.finetune4j.BadInputException;
import io.finetune4j.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoint folders of a run: {@code output_dir/checkpoint-{step}/}, each written through a
 * ".tmp-" folder and renamed, so only complete checkpoints (named checkpoint-N and holding
 * trainer_state.json) are ever listed or resumed from. The files inside are HF's Trainer's: config.json +
 * model.safetensors, optimizer.pt, scheduler.pt, rng_state.pth, trainer_state.json (plus training_args.json where HF
 * writes the pickled training_args.bin), so HF's {@code Trainer.train(resume_from_checkpoint=…)} continues a finetune4j
 * run and the other way round.
 */
public final class Checkpoints {
    public static final String PREFIX = "checkpoint-";
    /** HF's Trainer's names: torch.save files (zip, pickle protocol 2), so checkpoints move between the two. */
    public static final String OPTIMIZER_FILE = "optimizer.pt";
    public static final String SCHEDULER_FILE = "scheduler.pt";
    public static final String RNG_FILE = RngState.FILE;
    /** What finetune4j wrote before it wrote HF's files; still read on resume. */
    public static final String LEGACY_OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String LEGACY_SCHEDULER_FILE = "scheduler.json";
    public static final String ARGS_FILE = "training_args.json";
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Checkpoints() {}

    public static Path path(Path outputDir, int step) {
        return outputDir.resolve(PREFIX + step);
    }

    /** Writes checkpoint-{step} atomically; {@code contents} fills the temporary folder. */
    public static Path write(Path outputDir, int step, AtomicFiles.Writer contents) {
        Path target = path(outputDir, step);
        AtomicFiles.writeDirectory(target, contents);
        return target;
    }

    /** Complete checkpoints, oldest (lowest step) first. */
    public static List<Path> sorted(Path outputDir) {
        if (!Files.isDirectory(outputDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(outputDir)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve(TrainerState.FILE)))
                    .sorted(Comparator.comparingInt(Checkpoints::step))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int step(Path checkpoint) {
        Matcher m = NAME.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new BadInputException(checkpoint + " is not a checkpoint folder (expected a name like checkpoint-500)");
        }
        return Integer.parseInt(m.group(1));
    }

    /** The newest complete checkpoint, or null (resume_from_checkpoint=true). */
    public static Path latestCheckpoint(Path outputDir) {
        List<Path> all = sorted(outputDir);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /**
     * HF's _rotate_checkpoints: keeps at most {@code limit} checkpoints, deleting the oldest but
     * never the best (it is moved next to the newest), and keeping 2 when limit is 1 and the best
     * is not the newest, so that training can still resume. Returns the deleted folders.
     */
    public static List<Path> rotate(Path outputDir, Integer limit, String bestModelCheckpoint) {
        if (limit == null || limit <= 0) {
            return List.of();
        }
        List<Path> ordered = new ArrayList<>(sorted(outputDir));
        int keep = limit;
        if (bestModelCheckpoint != null) {
            Path best = Path.of(bestModelCheckpoint).toAbsolutePath().normalize();
            int bestIndex = -1;
            for (int i = 0; i < ordered.size(); i++) {
                if (ordered.get(i).toAbsolutePath().normalize().equals(best)) {
                    bestIndex = i;
                }
            }
            if (bestIndex >= 0) {
                for (int i = bestIndex; i < ordered.size() - 2; i++) {
                    Path t = ordered.get(i);
                    ordered.set(i, ordered.get(i + 1));
                    ordered.set(i + 1, t);
                }
                if (limit == 1 && !ordered.get(ordered.size() - 1).toAbsolutePath().normalize().equals(best)) {
                    keep = 2;
                }
            }
        }
        int delete = Math.max(0, ordered.size() - keep);
        List<Path> deleted = new ArrayList<>(ordered.subList(0, delete));
        for (Path p : deleted) {
            try {
                AtomicFiles.deleteRecursively(p);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete old checkpoint " + p + ": " + e.getMessage(), e);
            }
        }
        return deleted;
    }

    static void writeJson(Path file, Object value) {
        try {
            Files.writeString(file, JSON.writeValueAsString(value) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T readJson(Path file, Class<T> type) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file + " is missing; the checkpoint was saved with save_only_model or is not a training checkpoint");
        }
        try {
            return JSON.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readMap(Path file) {
        return readJson(file, Map.class);
    }
}
