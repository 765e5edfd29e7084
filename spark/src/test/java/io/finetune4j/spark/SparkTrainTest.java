package io.finetune4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The barrier stage on a real local[2] SparkSession with real child JVMs ({@link PrintRankEnv} as the ranks' main):
 * torchrun's variables per rank, the tables staged once in row order, the output renamed into place, a failing rank.
 * {@code finetune4j spark train} itself (a tiny model trained) is tested in the cli module.
 */
class SparkTrainTest {
    static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.start();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** A json-lines folder of two files, the second much larger (Spark packs large files first; order must not follow that). */
    private Path jsonTable() throws IOException {
        Path table = Files.createDirectories(dir.resolve("table.jsonl"));
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            a.add("{\"text\":\"row " + i + "\",\"label\":" + (i % 2) + "}");
        }
        for (int i = 5; i < 400; i++) {
            b.add("{\"text\":\"row " + i + " " + "padding ".repeat(20) + "\",\"label\":" + (i % 2) + "}");
        }
        Files.write(table.resolve("part-a.json"), a);
        Files.write(table.resolve("part-b.json"), b);
        return table;
    }

    @Test
    void eachRankGetsTorchrunsVariablesAndTheStagedTablesInOrder() throws Exception {
        Path csv = dir.resolve("eval.csv");
        Files.writeString(csv, "text,label\n\"b, quoted\",1\na,0\n\"  padded  \",1\n");
        Path out = dir.resolve("runs").resolve("model");
        SparkTrain.Result r = SparkTrain.builder(spark).trainTable(jsonTable().toString()).evalTable(csv.toString())
                .outputDir(out).mainClass(PrintRankEnv.class.getName()).rankArguments(List.of("train", "--seed", "3")).build().run();
        assertEquals(2, r.numProcesses(), "default: every task slot of local[2]");
        assertEquals(400, r.trainRows());
        assertEquals(3L, r.evalRows());
        Map<String, String> env0 = env(out.resolve("env-0.txt"));
        Map<String, String> env1 = env(out.resolve("env-1.txt"));
        for (Map<String, String> env : List.of(env0, env1)) {
            assertEquals("2", env.get("WORLD_SIZE"));
            assertEquals("2", env.get("LOCAL_WORLD_SIZE"), "local[2]: both tasks on one host");
            assertEquals("0", env.get("GROUP_RANK"));
            assertEquals("1", env.get("GROUP_WORLD_SIZE"));
            assertEquals("0", env.get("TORCHELASTIC_MAX_RESTARTS"));
            String omp = System.getenv("OMP_NUM_THREADS");
            assertEquals(omp != null && !omp.isBlank() ? omp : Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors() / 2)),
                    env.get("OMP_NUM_THREADS"));
        }
        assertEquals("0", env0.get("RANK"));
        assertEquals("1", env1.get("RANK"));
        assertEquals("0", env0.get("LOCAL_RANK"));
        assertEquals("1", env1.get("LOCAL_RANK"));
        assertEquals(env0.get("MASTER_ADDR"), env1.get("MASTER_ADDR"));
        assertFalse(env0.get("MASTER_ADDR").contains(":"), "the host of task 0, no port: " + env0.get("MASTER_ADDR"));
        assertEquals(env0.get("MASTER_PORT"), env1.get("MASTER_PORT"), "rank 0's port, shared by allGather");
        int port = Integer.parseInt(env0.get("MASTER_PORT"));
        assertTrue(port > 0 && port < 65536, "port " + port);
        String args = env1.get("args");
        assertTrue(args.startsWith("train --seed 3 --dataset_name "), args);
        assertTrue(args.contains("--train_split_name train") && args.contains("--validation_split_name validation"), args);

        List<String> data = Files.readAllLines(out.resolve("data.txt"));
        assertEquals("file train.jsonl", data.get(0));
        for (int i = 0; i < 400; i++) {
            assertTrue(data.get(1 + i).contains("\"text\":\"row " + i + (i < 5 ? "\"" : " ")), "row " + i + " in order: " + data.get(1 + i));
        }
        assertEquals(List.of("file validation.csv", "text,label", "\"b, quoted\",1", "a,0"), data.subList(401, 405));
        assertTrue(data.get(405).contains("  padded  ,1"), "texts kept as they were: " + data.get(405));
        assertEquals(List.of("model"), children(out.getParent()), "the output renamed into place, no staging folder left");
    }

    @Test
    void aFailingRankFailsTheStageAndLeavesNoOutput() throws Exception {
        Path out = dir.resolve("failed");
        BadInputException e = assertThrows(BadInputException.class, () -> SparkTrain.builder(spark).trainTable(jsonTable().toString())
                .outputDir(out).mainClass(PrintRankEnv.class.getName()).rankArguments(List.of("train", "--fail", "1:2")).build().run());
        assertTrue(e.getMessage().startsWith("spark train: rank 1 ") && e.getMessage().contains("exited with code 2: error: rank 1 was told to fail"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertEquals(List.of("table.jsonl"), children(dir), "no output, no staging folder");

        IllegalStateException crash = assertThrows(IllegalStateException.class, () -> SparkTrain.builder(spark).trainTable(dir.resolve("table.jsonl").toString())
                .outputDir(out).mainClass(PrintRankEnv.class.getName()).rankArguments(List.of("--fail", "0:1")).build().run());
        assertTrue(crash.getMessage().startsWith("spark train: rank 0 ") && crash.getMessage().contains("exited with code 1"), crash.getMessage());
        assertEquals(List.of("table.jsonl"), children(dir));
    }

    @Test
    void aFailingRankStopsAHangingOne() throws Exception {
        Path pidFile = dir.resolve("rank0.pid");
        long start = System.nanoTime();
        BadInputException e = assertThrows(BadInputException.class, () -> SparkTrain.builder(spark).trainTable(jsonTable().toString())
                .outputDir(dir.resolve("out")).mainClass(PrintRankEnv.class.getName())
                .rankArguments(List.of("--hang", "0:" + pidFile, "--fail", "1:2")).build().run());
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(e.getMessage().startsWith("spark train: rank 1 "), e.getMessage());
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "rank 0's JVM was stopped");
        assertTrue(seconds < 30, "failed in " + seconds + " s, not after rank 0's 600 s");
        assertEquals(List.of("rank0.pid", "table.jsonl"), children(dir));
    }

    @Test
    void refusesAnExistingOutputTooManyRanksAndItsOwnFlags() throws Exception {
        Path out = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(out.resolve("config.json"), "{}");
        Path table = jsonTable();
        BadInputException taken = assertThrows(BadInputException.class, () -> SparkTrain.builder(spark).trainTable(table.toString())
                .outputDir(out).mainClass(PrintRankEnv.class.getName()).build().run());
        assertTrue(taken.getMessage().contains("already exists and is not empty; remove it or pass --overwrite_output_dir"), taken.getMessage());
        BadInputException many = assertThrows(BadInputException.class, () -> SparkTrain.builder(spark).trainTable(table.toString())
                .outputDir(dir.resolve("x")).numProcesses(3).mainClass(PrintRankEnv.class.getName()).build().run());
        assertTrue(many.getMessage().contains("--num_processes 3 needs 3 task slots at once"), many.getMessage());
        BadInputException own = assertThrows(BadInputException.class, () -> SparkTrain.builder(spark).trainTable(table.toString())
                .outputDir(dir.resolve("x")).mainClass(PrintRankEnv.class.getName()).rankArguments(List.of("train", "--output_dir=y")).build());
        assertTrue(own.getMessage().startsWith("--output_dir is set by spark train itself"), own.getMessage());
        assertEquals(List.of("table.jsonl", "taken"), children(dir));

        SparkTrain.Result r = SparkTrain.builder(spark).trainTable(table.toString()).outputDir(out).overwriteOutputDir(true)
                .numProcesses(1).mainClass(PrintRankEnv.class.getName()).build().run();
        assertEquals(1, r.numProcesses());
        assertEquals(List.of("data.txt", "env-0.txt"), children(out), "overwrite_output_dir replaces the old output");
    }

    @Test
    void aParquetTableIsStagedAsOneFileInRowOrder() throws Exception {
        Path table = dir.resolve("ids");
        // 5 part files, the last one the largest (Spark reads large files first; the staged order must not follow that)
        spark.range(0, 3000, 1, 5).selectExpr("id", "concat('row ', id, repeat(' x', cast(id / 600 as int) * 40)) as text")
                .write().parquet(table.toUri().toString());
        Path staged = Files.createDirectories(dir.resolve("staged"));
        assertEquals(3000, SparkTrain.stage(spark, table.toString(), "parquet", staged, "train"));
        assertEquals(List.of("train.parquet"), children(staged));
        List<Long> ids = spark.read().parquet(staged.resolve("train.parquet").toUri().toString()).select("id").as(org.apache.spark.sql.Encoders.LONG())
                .collectAsList();
        assertEquals(java.util.stream.LongStream.range(0, 3000).boxed().toList(), ids);
    }

    @Test
    void masterAddrIsTask0sHostAndLocalRanksCountTasksPerHost() {
        var w = RankTask.environment(2, new String[] {"10.0.0.1:7077", "10.0.0.2:7078", "10.0.0.1:7079", "[fe80::1]:7080"}, 29400);
        assertEquals(new io.finetune4j.train.distributed.WorkerEnvironment(2, 4, 1, 2, 0, 3, "10.0.0.1", 29400), w);
        var v6 = RankTask.environment(3, new String[] {"10.0.0.1:7077", "10.0.0.2:7078", "10.0.0.1:7079", "[fe80::1]:7080"}, 29400);
        assertEquals(new io.finetune4j.train.distributed.WorkerEnvironment(3, 4, 0, 1, 2, 3, "10.0.0.1", 29400), v6);
        assertEquals("fe80::1", RankTask.host("[fe80::1]:7080"));
    }

    private static Map<String, String> env(Path file) throws IOException {
        Map<String, String> m = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            m.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return m;
    }

    private static List<String> children(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
