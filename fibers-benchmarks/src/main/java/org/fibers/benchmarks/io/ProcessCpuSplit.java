package org.fibers.benchmarks.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's CPU time in user space and in the kernel, in clock ticks, from Linux's
 * {@code /proc/PID/stat} (fields 14 and 15, utime and stime; children not included). Ticks are
 * coarse (usually 10 ms), so only the user share of a difference over seconds is meaningful.
 *
 * @param userTicks   utime
 * @param systemTicks stime
 */
record ProcessCpuSplit(long userTicks, long systemTicks) {
    /** The split of process {@code pid} now, or null where /proc cannot tell (not Linux, process gone). */
    static ProcessCpuSplit of(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        return parse(stat);
    }

    /** Parses a stat line; null if it has not the expected shape. */
    static ProcessCpuSplit parse(String stat) {
        // The command name (field 2) is in parentheses and may hold spaces and ')': fields 3 and
        // on start after its last ')'. utime and stime are fields 14 and 15, i.e. 11 and 12 there.
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return null;
        }
        String[] rest = stat.substring(close + 1).trim().split(" +");
        if (rest.length < 13) {
            return null;
        }
        try {
            return new ProcessCpuSplit(Long.parseLong(rest[11]), Long.parseLong(rest[12]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Share of user time in the CPU used between {@code before} and {@code after}, in [0, 1];
     * NaN if either is unknown or no tick passed.
     */
    static double userShare(ProcessCpuSplit before, ProcessCpuSplit after) {
        if (before == null || after == null) {
            return Double.NaN;
        }
        long user = after.userTicks - before.userTicks;
        long total = user + after.systemTicks - before.systemTicks;
        return total <= 0 ? Double.NaN : (double) user / total;
    }
}
