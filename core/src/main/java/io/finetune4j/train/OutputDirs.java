package io.finetune4j.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks an output_dir before anything loads: it must be a folder or a path where a folder can be
 * made (not a file, not below a file or a device such as /dev/null).
 */
public final class OutputDirs {
    private OutputDirs() {}

    /**
     * HF's run_classification.py check before anything loads: an output_dir that already holds files needs
     * overwrite_output_dir or resume_from_checkpoint (the Trainer checks again when it starts).
     */
    public static void checkNotEmpty(TrainingArguments args) {
        Path dir = Path.of(args.outputDir());
        String resume = args.resumeFromCheckpoint();
        if (args.overwriteOutputDir() || (resume != null && !resume.equalsIgnoreCase("false")) || !Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isPresent()) {
                throw new io.finetune4j.BadInputException("output_dir " + dir + " already exists and is not empty; set overwrite_output_dir, "
                        + "resume_from_checkpoint=true, or choose another output_dir");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The problems with {@code outputDir} as a folder to write, as one-line messages (empty when fine). */
    public static List<String> problems(String outputDir) {
        if (outputDir == null || outputDir.isBlank()) {
            return List.of();
        }
        Path p;
        try {
            p = Path.of(outputDir).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            return List.of("output_dir '" + outputDir + "' is not a valid path: " + e.getReason());
        }
        if (Files.exists(p) && !Files.isDirectory(p)) {
            return List.of("output_dir " + outputDir + " is a file, not a folder; choose a folder path");
        }
        for (Path up = p.getParent(); up != null; up = up.getParent()) {
            if (Files.exists(up)) {
                if (!Files.isDirectory(up)) {
                    return List.of("output_dir " + outputDir + " is below " + up + ", which is not a folder; choose a folder path");
                }
                if (!Files.exists(p) && !Files.isWritable(up)) {
                    return List.of("output_dir " + outputDir + " cannot be created: " + up + " is not writable; choose a folder you can write");
                }
                break;
            }
        }
        return List.of();
    }
}
