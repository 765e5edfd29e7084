package io.finetune4j.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The level written into the loaded libtorch's c10 flag, read back from it. */
class TorchLoggingTest {
    @Test
    void setsLibtorchsOwnLogLevel() {
        Torch.load();
        int libtorchDefault = TorchLogging.level();
        String before = System.getProperty(TorchLogging.PROPERTY);
        try {
            System.setProperty(TorchLogging.PROPERTY, "ERROR");
            TorchLogging.apply();
            assertEquals(System.getenv(TorchLogging.ENV) == null ? 2 : libtorchDefault, TorchLogging.level());
            System.setProperty(TorchLogging.PROPERTY, "1");
            TorchLogging.apply();
            assertEquals(System.getenv(TorchLogging.ENV) == null ? 1 : libtorchDefault, TorchLogging.level());
        } finally {
            if (before == null) {
                System.clearProperty(TorchLogging.PROPERTY);
            } else {
                System.setProperty(TorchLogging.PROPERTY, before);
            }
        }
    }

    @Test
    void parsesTorchsLevelNames() {
        assertEquals(0, TorchLogging.parse("info"));
        assertEquals(1, TorchLogging.parse("WARNING"));
        assertEquals(2, TorchLogging.parse(" ERROR "));
        assertEquals(3, TorchLogging.parse("3"));
        assertThrows(IllegalArgumentException.class, () -> TorchLogging.parse("loud"));
    }
}
