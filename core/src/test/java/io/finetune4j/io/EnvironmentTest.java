package io.finetune4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The installation report doctor prints: probed by the library, keyed as doctor --json shows it. */
class EnvironmentTest {
    @Test
    void probesJavaTheEngineAndTheCache() {
        Environment env = Environment.probe();
        assertTrue(env.engineLoaded(), "libtorch loads on the build machine: " + env.engineError());
        assertNull(env.engineError());
        assertEquals(List.of("java", "java_home", "os", "cpu", "cores", "max_heap_mb", "offline", "engine", "pytorch",
                "libtorch", "default_device", "gpus", "devices", "intra_op_threads", "inter_op_threads", "cpu_bf16", "cache"),
                List.copyOf(env.report().keySet()));
        assertEquals(Runtime.getRuntime().availableProcessors(), env.report().get("cores"));
        assertTrue(env.libtorch().containsKey("library") && env.libtorch().containsKey("natives"), env.libtorch().toString());
        assertEquals(Cache.standard().root().toString(), env.cache().get("root"));
        assertTrue(env.cache().get("models") instanceof List<?>);
        env.hints(); // a list, possibly empty
    }
}
