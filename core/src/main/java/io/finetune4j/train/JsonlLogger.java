package io.finetune4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** report_to jsonl: appends one JSON object per log entry (with its step) to logging_dir/log.jsonl. */
public final class JsonlLogger implements TrainerCallback {
    public static final String FILE = "log.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public JsonlLogger(Path logDir) {
        this.file = logDir.resolve(FILE);
    }

    public Path file() {
        return file;
    }

    @Override
    public void onLog(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Object> logs) {
        Map<String, Object> line = new LinkedHashMap<>(logs);
        line.putIfAbsent("step", state.globalStep);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, JSON.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }
}
