package io.finetune4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** Intra-op threads per task: the cores a task gets, never more tasks × threads than cores in local mode. */
class TaskThreadsTest {
    @Test
    void localModeDividesTheCoresAmongTheTaskThreads() {
        assertEquals(1, TaskThreads.perTask("local[2]", 1, 2));
        assertEquals(1, TaskThreads.perTask("local[*]", 1, 16));
        assertEquals(4, TaskThreads.perTask("local", 1, 4));
        assertEquals(4, TaskThreads.perTask("local[1]", 1, 4));
        assertEquals(4, TaskThreads.perTask("local[2,3]", 1, 8), "local[N,F]: N task threads");
        assertEquals(2, TaskThreads.perTask("local[4]", 2, 4), "spark.task.cpus 2: two tasks at once on four cores");
        assertEquals(1, TaskThreads.perTask("local[8]", 1, 2), "more task threads than cores: still one each");
    }

    @Test
    void aClusterGivesEachTaskSparkTaskCpus() {
        assertEquals(1, TaskThreads.perTask("yarn", 1, 64));
        assertEquals(4, TaskThreads.perTask("k8s://https://api:6443", 4, 64));
        assertEquals(2, TaskThreads.perTask(new SparkConf(false).setMaster("spark://host:7077").set("spark.task.cpus", "2"), 32));
        assertEquals(1, TaskThreads.perTask(new SparkConf(false).setMaster("local[2]"), 2));
    }
}
