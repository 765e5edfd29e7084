package io.finetune4j.train.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import io.finetune4j.train.TrainingArguments;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ddp_* arguments with HF's names: accepted values, one clear line for the others; the replicas' log level. */
class DdpArgumentsTest {
    @Test
    void hfDefaultsAndGloo() {
        TrainingArguments a = TrainingArguments.builder().outputDir("out").build();
        assertEquals(1800, a.ddpTimeout());
        assertEquals(null, a.ddpBackend());
        assertEquals(null, a.ddpFindUnusedParameters());
        assertEquals(null, a.ddpBucketCapMb());
        TrainingArguments g = TrainingArguments.builder().outputDir("out").ddpBackend("gloo").ddpBucketCapMb(5).ddpTimeout(60)
                .ddpFindUnusedParameters(false).build();
        assertEquals("gloo", g.ddpBackend());
        assertEquals(5, g.ddpBucketCapMb());
    }

    @Test
    void badValuesAreOneLine() {
        BadInputException mpi = assertThrows(BadInputException.class,
                () -> TrainingArguments.builder().outputDir("out").ddpBackend("mpi").build());
        assertTrue(mpi.getMessage().contains("ddp_backend mpi is not available") && !mpi.getMessage().contains("\n"), mpi.getMessage());
        assertEquals("nccl", TrainingArguments.builder().outputDir("out").ddpBackend("nccl").build().ddpBackend());
        // nccl on a CPU: refused before anything connects, in one line (the Trainer makes it bad input, exit 2)
        IllegalArgumentException cpu = assertThrows(IllegalArgumentException.class, () -> io.finetune4j.torch.ProcessGroup.init("nccl",
                "127.0.0.1", 29500, null, 0, 2, java.time.Duration.ofSeconds(5), io.finetune4j.torch.Device.cpu()));
        assertTrue(cpu.getMessage().startsWith("ddp_backend nccl needs each rank on a CUDA GPU"), cpu.getMessage());
        BadInputException timeout = assertThrows(BadInputException.class,
                () -> TrainingArguments.builder().outputDir("out").ddpTimeout(0).build());
        assertTrue(timeout.getMessage().contains("ddp_timeout must be > 0"), timeout.getMessage());
        BadInputException bucket = assertThrows(BadInputException.class,
                () -> TrainingArguments.builder().outputDir("out").ddpBucketCapMb(-1).build());
        assertTrue(bucket.getMessage().contains("ddp_bucket_cap_mb must be > 0"), bucket.getMessage());
    }

    @Test
    void replicasLogAtLogLevelReplica() {
        TrainingArguments a = TrainingArguments.builder().outputDir("out").logLevel("info").build();
        DistributedEnv rank0 = DistributedEnv.from(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1"));
        DistributedEnv rank1 = DistributedEnv.from(Map.of("RANK", "1", "WORLD_SIZE", "2", "LOCAL_RANK", "1", "LOCAL_WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1"));
        assertEquals("info", a.processLogLevel(rank0));
        assertEquals("warning", a.processLogLevel(rank1));
        assertEquals("info", a.processLogLevel(DistributedEnv.single()));
    }
}
