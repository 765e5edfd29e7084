package io.finetune4j.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A rank's main for the barrier-stage tests: takes train's {@code --dataset_name DIR --output_dir DIR} and
 * {@code --fail RANK:CODE} and {@code --hang RANK:PIDFILE}; writes {@code env-RANK.txt} (torchrun's variables as this process sees them) into the
 * output folder, rank 0 also {@code data.txt} (the staged files and their lines), prints a line, and exits with CODE
 * on RANK.
 */
public final class PrintRankEnv {
    static final List<String> VARIABLES = List.of("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "GROUP_RANK",
            "GROUP_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "OMP_NUM_THREADS", "TORCHELASTIC_MAX_RESTARTS");

    public static void main(String[] args) throws IOException {
        String rank = System.getenv("RANK");
        Path data = null;
        Path output = null;
        for (int i = 0; i + 1 < args.length; i++) {
            switch (args[i]) {
                case "--dataset_name" -> data = Path.of(args[i + 1]);
                case "--output_dir" -> output = Path.of(args[i + 1]);
                case "--fail" -> {
                    String[] rc = args[i + 1].split(":");
                    if (rc[0].equals(rank)) {
                        System.err.println("error: rank " + rank + " was told to fail");
                        System.exit(Integer.parseInt(rc[1]));
                    }
                }
                case "--hang" -> { // --hang RANK:PIDFILE: that rank writes its pid and waits (a rank stuck in a collective)
                    String[] rp = args[i + 1].split(":", 2);
                    if (rp[0].equals(rank)) {
                        Files.writeString(Path.of(rp[1]), Long.toString(ProcessHandle.current().pid()));
                        try {
                            Thread.sleep(600_000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
                default -> { }
            }
        }
        Files.createDirectories(output);
        List<String> lines = new ArrayList<>();
        for (String v : VARIABLES) {
            lines.add(v + "=" + System.getenv(v));
        }
        lines.add("args=" + String.join(" ", args));
        Files.write(output.resolve("env-" + rank + ".txt"), lines);
        if ("0".equals(rank)) {
            List<String> files = new ArrayList<>();
            try (var s = Files.list(data)) {
                for (Path f : s.sorted().toList()) {
                    files.add("file " + f.getFileName());
                    if (!f.getFileName().toString().endsWith(".parquet")) {
                        files.addAll(Files.readAllLines(f));
                    }
                }
            }
            Files.write(output.resolve("data.txt"), files);
        }
        System.out.println("hello from rank " + rank + " of " + System.getenv("WORLD_SIZE"));
    }
}
