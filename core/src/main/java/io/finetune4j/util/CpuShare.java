package io.finetune4j.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much of the machine's CPU time other processes used between two moments (Linux: {@code /proc/stat}
 * for the whole machine, {@code /proc/self/stat} for this process, both in clock ticks). A timing taken
 * while others were busy measures the sharing, not the machine; callers use this to tell the two apart.
 */
public final class CpuShare {
    private final long totalTicks;
    private final long busyTicks;
    private final long selfTicks;

    private CpuShare(long totalTicks, long busyTicks, long selfTicks) {
        this.totalTicks = totalTicks;
        this.busyTicks = busyTicks;
        this.selfTicks = selfTicks;
    }

    /** A sample now, or null where /proc is not there. */
    public static CpuShare sample() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String self = Files.readString(Path.of("/proc/self/stat"));
            return parse(cpu, self);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** From /proc/stat's first ("cpu") line and /proc/self/stat's text. */
    static CpuShare parse(String cpuLine, String selfStat) {
        String[] f = cpuLine.trim().split("\\s+");
        if (!f[0].equals("cpu")) {
            throw new IllegalArgumentException("not /proc/stat's cpu line: " + cpuLine);
        }
        long total = 0;
        long idle = 0;
        // user nice system idle iowait irq softirq steal (guest time is already inside user)
        for (int i = 1; i < Math.min(f.length, 9); i++) {
            long v = Long.parseLong(f[i]);
            total += v;
            if (i == 4 || i == 5) {
                idle += v;
            }
        }
        // the command name (field 2) may hold spaces; the fields after its closing ')' are fixed
        String[] s = selfStat.substring(selfStat.lastIndexOf(')') + 2).trim().split("\\s+");
        long self = Long.parseLong(s[11]) + Long.parseLong(s[12]); // utime, stime (fields 14 and 15)
        return new CpuShare(total, total - idle, self);
    }

    /**
     * The share of all CPUs' time, in [0, 1], that processes other than this one used since {@code earlier};
     * NaN when either sample is missing or no time passed.
     */
    public static double othersSince(CpuShare earlier, CpuShare later) {
        if (earlier == null || later == null || later.totalTicks <= earlier.totalTicks) {
            return Double.NaN;
        }
        long others = (later.busyTicks - earlier.busyTicks) - (later.selfTicks - earlier.selfTicks);
        return Math.max(0, Math.min(1, (double) others / (later.totalTicks - earlier.totalTicks)));
    }
}
