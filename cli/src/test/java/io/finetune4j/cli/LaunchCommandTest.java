package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** finetune4j launch with real child JVMs of the CLI on loopback. */
class LaunchCommandTest {
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void twoRanksRunTheCommandWithTheirOwnPrefix() {
        // options after the command (here none of launch's) go to the ranks
        Result r = run("launch", "--nproc_per_node", "2", "--master_port", "29513", "docs", "arguments");
        assertEquals(0, r.code(), r.err());
        for (int rank = 0; rank < 2; rank++) {
            assertTrue(r.out().contains("[rank " + rank + "] | `learning_rate` | float | `5.0E-5` |"), r.out());
        }
        assertTrue(r.out().lines().allMatch(l -> l.startsWith("[rank 0] ") || l.startsWith("[rank 1] ")), r.out());
    }

    @Test
    void aFailingRankStopsTheLaunchWithItsCodeAndName() {
        Result r = run("launch", "--nproc_per_node", "2", "--master_port", "29514", "docs", "no-such-topic");
        assertEquals(Main.BAD_INPUT, r.code(), r.err());
        // each rank's own error line, prefixed, then launch's one line naming the rank
        assertTrue(r.err().contains("] error: unknown docs topic 'no-such-topic'"), r.err());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.matches("error: rank [01] \\(local rank [01], pid \\d+\\) exited with code 2.*"), r.err());
    }

    @Test
    void badLaunchFlagsAreBadInput() {
        Result r = run("launch", "--nproc_per_node", "0", "docs", "arguments");
        assertEquals(Main.BAD_INPUT, r.code());
        assertEquals("error: --nproc_per_node 0 must be at least 1", r.err().strip());
        Result none = run("launch", "--nproc_per_node", "2");
        assertEquals(Main.BAD_INPUT, none.code());
        assertEquals(1, none.err().strip().lines().count(), none.err());
    }

    @Test
    void helpAfterTheCommandGoesToTheRanks() {
        Result r = run("launch", "--nproc_per_node", "1", "--master_port", "29515", "docs", "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[rank 0] Usage: finetune4j docs"), r.out());
    }
}
