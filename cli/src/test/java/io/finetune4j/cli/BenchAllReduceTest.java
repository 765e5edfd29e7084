package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code bench allreduce} as two real ranks started by {@code finetune4j launch} on loopback (the tiny config's
 * gradients, so it runs in seconds): rank 0 prints one result with nccl-tests' bandwidths, rank 1 prints none; a
 * single process is refused in one line. No timing asserts.
 */
class BenchAllReduceTest {
    @Test
    @SuppressWarnings("unchecked")
    void twoRanksReportTheGradientsAllReduce() throws Exception {
        MainTest.Result r = MainTest.run("launch", "--nproc_per_node", "2", "--master_port", Integer.toString(DistributedTrainTest.freePort()),
                "bench", "allreduce", "--size", "tiny", "--bucket_cap_mb", "1", "--iterations", "3", "--json");
        assertEquals(0, r.code(), r.out() + r.err());
        List<String> json = r.out().lines().filter(l -> l.contains("{\"case\"")).toList();
        assertEquals(1, json.size(), r.out());
        assertTrue(json.get(0).startsWith("[rank 0] {"), r.out());
        Map<String, Object> result = new ObjectMapper().readValue(json.get(0).substring("[rank 0] ".length()), Map.class);
        assertEquals("allreduce", result.get("case"));
        Map<String, Object> p = (Map<String, Object>) result.get("params");
        Map<String, Object> m = (Map<String, Object>) result.get("metrics");
        assertEquals(2, p.get("world_size"));
        assertEquals(1, p.get("bucket_cap_mb"));
        assertEquals("float32", p.get("dtype"));
        assertEquals(3, p.get("repeat"));
        long parameters = ((Number) m.get("parameters")).longValue();
        assertTrue(parameters > 0, r.out());
        assertEquals(4 * parameters, ((Number) m.get("bytes")).longValue()); // float32 gradients of every parameter
        double median = ((Number) m.get("s_median")).doubleValue();
        assertTrue(median > 0 && ((Number) m.get("s_min")).doubleValue() <= median, r.out());
        // two ranks: a ring all-reduce's bus factor 2(W-1)/W is 1
        assertEquals(((Number) m.get("algbw_gbytes_per_s")).doubleValue(), ((Number) m.get("busbw_gbytes_per_s")).doubleValue(), 1e-9);
        assertTrue(((Map<String, Object>) result.get("machine")).get("cpu") != null);

        // bfloat16 gradients: half the bytes, same parameters, human-readable lines
        MainTest.Result half = MainTest.run("launch", "--nproc_per_node", "2", "--master_port", Integer.toString(DistributedTrainTest.freePort()),
                "bench", "allreduce", "--size", "tiny", "--dtype", "bfloat16", "--iterations", "1");
        assertEquals(0, half.code(), half.out() + half.err());
        assertTrue(half.out().contains("[rank 0]   bytes: " + 2 * parameters), half.out());
        assertTrue(half.out().contains("[rank 0]   busbw_gbit_per_s: "), half.out());
        assertTrue(half.out().lines().noneMatch(l -> l.startsWith("[rank 1] ") && l.contains("bytes")), half.out());
    }

    @Test
    void aSingleProcessIsRefusedInOneLine() {
        MainTest.Result r = MainTest.run("bench", "allreduce", "--size", "tiny");
        assertEquals(Main.BAD_INPUT, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("launch --nproc_per_node 2"), r.err());
        MainTest.Result dtype = MainTest.run("bench", "allreduce", "--dtype", "int8");
        assertEquals(Main.BAD_INPUT, dtype.code(), dtype.err());
        assertEquals(1, dtype.err().strip().lines().count(), dtype.err());
    }

    @Test
    void helpNamesTheCase() {
        MainTest.Result r = MainTest.run("bench", "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("allreduce") && r.out().contains("--bucket_cap_mb") && r.out().contains("--iterations"), r.out());
    }
}
