package io.finetune4j.util;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class CpuShareTest {
    @Test
    void othersShareIsTheMachinesBusyTimeLessThisProcesss() {
        // 2 CPUs, 100 ticks each between the samples = 200 in all; 150 busy, 50 of them ours: others used 100/200
        CpuShare a = CpuShare.parse("cpu  1000 0 0 5000 0 0 0 0 0 0", self(20, 10));
        CpuShare b = CpuShare.parse("cpu  1100 0 50 5050 0 0 0 0 0 0", self(60, 20));
        assertEquals(0.5, CpuShare.othersSince(a, b), 1e-12);
        assertTrue(Double.isNaN(CpuShare.othersSince(null, b)));
        assertTrue(Double.isNaN(CpuShare.othersSince(b, b)), "no time passed");
    }

    @Test
    void readsThisMachine() {
        CpuShare a = CpuShare.sample();
        assertNotNull(a, "Linux has /proc/stat and /proc/self/stat");
        long end = System.nanoTime() + 200_000_000L;
        double x = 0;
        while (System.nanoTime() < end) {
            x += Math.sqrt(x + 1);
        }
        double others = CpuShare.othersSince(a, CpuShare.sample());
        assertTrue(Double.isNaN(others) || (others >= 0 && others <= 1), "a share: " + others + " " + x);
    }

    /** /proc/self/stat with a command name holding spaces and a ')' ; utime and stime are fields 14 and 15. */
    private static String self(long utime, long stime) {
        return "42 (java (main) x) S 1 42 42 0 -1 4194560 100 0 0 0 " + utime + " " + stime + " 0 0 20 0 30 0";
    }
}
