package io.finetune4j.spark;

import org.apache.spark.sql.SparkSession;

/** A real local[2] SparkSession for one test class: no UI, loopback only, few shuffle partitions. */
final class SparkTestSession {
    private SparkTestSession() {}

    static SparkSession start() {
        return SparkSession.builder()
                .master("local[2]")
                .appName("finetune4j-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.warehouse.dir", System.getProperty("java.io.tmpdir") + "/finetune4j-test-warehouse")
                .getOrCreate();
    }
}
