package org.fibers.benchmarks.channels;

import static org.fibers.benchmarks.channels.InterleavedChannels.medianRatio;
import static org.fibers.benchmarks.channels.InterleavedChannels.perRound;
import static org.fibers.benchmarks.channels.InterleavedChannels.q;
import static org.fibers.benchmarks.channels.InterleavedChannels.sorted;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.fibers.benchmarks.report.Results;

/**
 * The table and target lines of {@link InterleavedChannels}, and the same figures recorded in
 * its {@link Results}: each scenario's nanoseconds per operation and CPU cores round by round,
 * every ratio the table and the lines under it print, and the channel targets, met or missed.
 * The one-scheduler target is issue 3's 1.15x of the floor as restated for the report: 1.25x.
 */
final class InterleavedChannelsReport {
    /** Our main scenario, the one the report leads with. */
    static final String OURS = "fibers-1-scheduler";

    private static final String NS = "ns_per_op";
    private static final String FLOOR = "loom-floor";
    private static final String SYNC_QUEUE = "syncqueue-default-vt";

    /** The Kotlin coroutines scenario doing the same work as a fiber scenario. */
    private static final Map<String, String> KOTLIN_PEER = Map.of(
            "fibers-1-scheduler", "kotlin-1-thread",
            "fibers-2-schedulers", "kotlin-default",
            "fibers-choice-4", "kotlin-select-4",
            "fibers-buffered-16", "kotlin-buffered-16");

    private final Results results;
    private final List<String> names;
    private final double[][] ns;

    /**
     * A report of one run.
     *
     * @param results where the figures go
     * @param names   the scenarios that ran
     * @param ns      per scenario, the nanoseconds per operation of each round
     */
    InterleavedChannelsReport(Results results, String[] names, double[][] ns) {
        this.results = results;
        this.names = Arrays.asList(names);
        this.ns = ns;
    }

    /**
     * Prints the table, the target lines and the lines under them, and records them.
     *
     * @param cores   per scenario, the CPU cores it kept busy in each round (CPU time / wall time)
     * @param cpuSum  per scenario, its CPU nanoseconds over all rounds
     * @param wallSum per scenario, its wall nanoseconds over all rounds
     */
    void print(double[][] cores, long[] cpuSum, long[] wallSum) {
        int floor = names.indexOf(FLOOR);
        int syncQueue = names.indexOf(SYNC_QUEUE);
        System.out.printf("%-24s %8s %8s %8s %8s %7s   %-9s %-11s %s%n", "scenario", "min", "p25", "median", "p75",
                "cores", "x floor", "x syncqueue", "x its Kotlin peer");
        for (int v = 0; v < names.size(); v++) {
            double[] s = sorted(ns[v]);
            results.series(names.get(v), NS, "ns/op", Results.Better.LOWER, ns[v]);
            results.series(names.get(v), "cpu_cores", "cores", Results.Better.LOWER, cores[v]);
            int peer = names.indexOf(KOTLIN_PEER.getOrDefault(names.get(v), ""));
            System.out.printf("%-24s %8.1f %8.1f %8.1f %8.1f %7.2f   %-9s %-11s %s%n", names.get(v), s[0], q(s, 0.25),
                    Results.median(s), q(s, 0.75), (double) cpuSum[v] / wallSum[v], ratio(v, floor), ratio(v, syncQueue),
                    peer < 0 ? "" : ratio(v, peer) + " (" + names.get(peer) + ")");
        }
        System.out.println("ratios are medians of per-round ratios (both sides of a ratio ran in the same round)");
        oneScheduler(floor);
        int two = names.indexOf("fibers-2-schedulers");
        if (two >= 0 && syncQueue >= 0) {
            target("fibers-2-schedulers <= 1.00 x syncqueue", two, syncQueue, 1.0, medianRatio(ns[two], ns[syncQueue]), "");
        }
        int choice = names.indexOf("fibers-choice-4");
        int select = names.indexOf("kotlin-select-4");
        if (choice >= 0) {
            double median = Results.median(sorted(ns[choice]));
            target("fibers-choice-4 <= 350 ns per message", choice, -1, 350, median, select < 0 ? ""
                    : String.format("; %.3f x kotlin-select-4 (quoted at 320-380 ns where 350 was set)",
                            medianRatio(ns[choice], ns[select])));
        }
        int buffered = names.indexOf("fibers-buffered-16");
        int abq = names.indexOf("abq-16-default-vt");
        if (buffered >= 0 && abq >= 0) {
            System.out.printf("fibers-buffered-16 (no target): %.1f ns per message, %s x ArrayBlockingQueue(16) on"
                    + " default virtual threads%n", Results.median(sorted(ns[buffered])), ratio(buffered, abq));
        }
    }

    /** The one-scheduler target and, when both ran, its split into what our scheduler and our channel add. */
    private void oneScheduler(int floor) {
        int one = names.indexOf(OURS);
        if (one < 0 || floor < 0) {
            return;
        }
        target(OURS + " <= 1.25 x floor (restated; issue 3 set 1.15)", one, floor, 1.25, medianRatio(ns[one], ns[floor]),
                "");
        int park = names.indexOf("fibers-park-1-scheduler");
        int onFloor = names.indexOf("channel-on-floor");
        if (park >= 0 && onFloor >= 0) {
            double sched = medianRatio(ns[park], ns[floor]);
            double chan = medianRatio(ns[onFloor], ns[floor]);
            // Each adds its own work to the floor's hand-off, so their excesses add up.
            System.out.printf("  of which: our scheduler %.3f x floor (bare park/unpark on it), our channel %.3f x floor"
                    + " (on the floor's executor); 1 + both excesses = %.3f%n", sched, chan, sched + chan - 1);
        }
    }

    /**
     * Prints and records an upper bound: on the median ratio of scenario a to scenario b, or with
     * b = -1 on a's median nanoseconds per operation.
     */
    private void target(String text, int a, int b, double bound, double measured, String suffix) {
        boolean met = results.target(text, names.get(a), b < 0 ? null : names.get(b), NS, false, bound, measured);
        System.out.printf(b < 0 ? "target %s: %.1f  %s%s%n" : "target %s: %.3f  %s%s%n", text, measured,
                met ? "MET" : "MISSED", suffix);
    }

    /** Records the per-round ratio of scenario a to scenario b and returns its median, or "" when either did not run. */
    private String ratio(int a, int b) {
        if (a < 0 || b < 0 || a == b) {
            return "";
        }
        double[] perRound = perRound(ns[a], ns[b]);
        results.ratio(names.get(a), names.get(b), NS, perRound);
        return String.format("%.3f", Results.median(sorted(perRound)));
    }
}
