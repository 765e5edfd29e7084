package io.finetune4j.spark;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;

/**
 * How many intra-op threads one Spark task's forward pass gets: the CPUs Spark gives a task, so that an
 * executor's concurrent tasks, all on one shared model, do not oversubscribe its cores (libtorch and ONNX
 * Runtime default to every core of the machine, per process or per session, however many tasks share it).
 */
public final class TaskThreads {
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)(?:,\\d+)?]");

    private TaskThreads() {}

    /** For this application's settings on a machine with {@code cores} cores (the driver's, which in local mode runs the tasks). */
    public static int perTask(SparkConf conf, int cores) {
        return perTask(conf.get("spark.master", "local[*]"), conf.getInt("spark.task.cpus", 1), cores);
    }

    /**
     * {@code local[N]} (and {@code local[N,F]}): the cores divided among the tasks that run at once
     * (N / spark.task.cpus), at least 1 ({@code local[*]}: 1; {@code local}: all cores); any cluster master:
     * {@code spark.task.cpus} (default 1), the cores Spark reserves for each task of an executor.
     */
    static int perTask(String master, int taskCpus, int cores) {
        if (master.equals("local")) {
            return Math.max(1, cores);
        }
        Matcher m = LOCAL.matcher(master);
        if (m.matches()) {
            int slots = m.group(1).equals("*") ? cores : Integer.parseInt(m.group(1));
            long threads = (long) cores * Math.max(1, taskCpus) / Math.max(1, slots);
            return (int) Math.max(1, Math.min(cores, threads));
        }
        return Math.max(1, taskCpus);
    }
}
