package io.finetune4j.train.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DistributedEnvTest {
    @Test
    void noVariablesIsOneProcess() {
        DistributedEnv env = DistributedEnv.from(Map.of("PATH", "/bin"));
        assertEquals(DistributedEnv.single(), env);
        assertFalse(env.isDistributed());
        assertTrue(env.isWorldProcessZero());
        assertNull(env.initMethod());
    }

    @Test
    void readsTorchrunsVariables() {
        DistributedEnv env = DistributedEnv.from(Map.of("RANK", "3", "WORLD_SIZE", "4", "LOCAL_RANK", "1", "LOCAL_WORLD_SIZE", "2",
                "GROUP_RANK", "1", "MASTER_ADDR", "10.0.0.5", "MASTER_PORT", "29500"));
        assertEquals(new DistributedEnv(3, 4, 1, 2, 1, "10.0.0.5", 29500), env);
        assertTrue(env.isDistributed());
        assertFalse(env.isWorldProcessZero());
        assertFalse(env.isLocalProcessZero());
        assertEquals(2, env.numNodes());
        assertEquals("tcp://10.0.0.5:29500", env.initMethod());
        assertEquals("rng_state_3.pth", env.rngStateFile());
        assertEquals("rng_state.pth", DistributedEnv.single().rngStateFile());
        assertEquals("tcp://[::1]:1234", DistributedEnv.from(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "::1", "MASTER_PORT", "1234")).initMethod());
    }

    @Test
    void oneNodeDefaultsAndNodeRank() {
        // accelerate's defaults: one process per machine (a PyTorchJob pod), port 29500
        DistributedEnv env = DistributedEnv.from(Map.of("RANK", "1", "WORLD_SIZE", "2", "MASTER_ADDR", "trainer-master-0"));
        assertEquals(new DistributedEnv(1, 2, 0, 1, 0, "trainer-master-0", 29500), env);
        assertTrue(env.isLocalProcessZero());
        assertEquals(2, env.numNodes());
        assertEquals(2, DistributedEnv.from(Map.of("RANK", "5", "WORLD_SIZE", "6", "LOCAL_RANK", "1", "LOCAL_WORLD_SIZE", "2", "NODE_RANK", "2",
                "MASTER_ADDR", "h", "MASTER_PORT", "1")).groupRank());
        // a world of one needs no rendezvous
        assertEquals(DistributedEnv.single(), DistributedEnv.from(Map.of("RANK", "0", "WORLD_SIZE", "1")));
    }

    @Test
    void badValuesAreOneLineNamingTheVariable() {
        record Case(Map<String, String> env, String says) {}
        Map<String, String> ok = Map.of("MASTER_ADDR", "127.0.0.1", "MASTER_PORT", "29500");
        for (Case c : new Case[] {
            new Case(with(ok, "RANK", "2", "WORLD_SIZE", "2"), "RANK=2 must be in [0, WORLD_SIZE=2)"),
            new Case(with(ok, "RANK", "-1", "WORLD_SIZE", "2"), "RANK=-1"),
            new Case(with(ok, "RANK", "0", "WORLD_SIZE", "0"), "WORLD_SIZE=0 must be at least 1"),
            new Case(with(ok, "RANK", "zero", "WORLD_SIZE", "2"), "RANK='zero' is not a whole number"),
            new Case(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "h", "MASTER_PORT", "http"), "MASTER_PORT='http' is not a whole number"),
            new Case(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "h", "MASTER_PORT", "70000"), "MASTER_PORT=70000 must be a TCP port"),
            new Case(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "h", "MASTER_PORT", "0"), "MASTER_PORT=0 must be a TCP port"),
            new Case(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_PORT", "29500"), "MASTER_ADDR is not set"),
            new Case(with(ok, "RANK", "1"), "RANK is set but WORLD_SIZE is not"),
            new Case(with(ok, "WORLD_SIZE", "2"), "WORLD_SIZE is set but RANK is not"),
            new Case(Map.of("LOCAL_RANK", "0"), "LOCAL_RANK is set but RANK and WORLD_SIZE are not"),
            new Case(with(ok, "RANK", "1", "WORLD_SIZE", "4", "LOCAL_RANK", "2", "LOCAL_WORLD_SIZE", "2"), "LOCAL_RANK=2 must be in [0, LOCAL_WORLD_SIZE=2)"),
            new Case(with(ok, "RANK", "1", "WORLD_SIZE", "2", "LOCAL_WORLD_SIZE", "3"), "LOCAL_WORLD_SIZE=3 must be in [1, WORLD_SIZE=2]"),
            new Case(with(ok, "RANK", "1", "WORLD_SIZE", "2", "LOCAL_RANK", "1"), "LOCAL_RANK=1 must be in [0, LOCAL_WORLD_SIZE=1)"),
        }) {
            BadInputException e = assertThrows(BadInputException.class, () -> DistributedEnv.from(c.env()), c.env().toString());
            assertTrue(e.getMessage().startsWith("distributed environment: "), e.getMessage());
            assertTrue(e.getMessage().contains(c.says()), c.env() + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    private static Map<String, String> with(Map<String, String> base, String... kv) {
        java.util.Map<String, String> m = new java.util.HashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
