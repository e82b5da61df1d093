package org.fibers.benchmarks.channels;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;

/**
 * The channel scenarios of {@link ChannelComparison} in short alternating samples in one JVM,
 * for shared and virtual machines: there the cost of moving a cache line between the two cores
 * drifts by 2-3x over seconds (the hypervisor moves the virtual CPUs), which makes two JMH runs a
 * minute apart incomparable. Every world stays open; each round runs every scenario once (order
 * reversed every other round), and the report gives each scenario's spread, its CPU use and the
 * median of its per-round ratio to the Loom floor, to {@code SynchronousQueue} and, for the
 * fiber scenarios, to the Kotlin coroutines scenario that does the same work: drift hits both
 * sides of a ratio alike. It ends with the channel targets of issue 3, met or missed, and splits
 * the one-scheduler ratio into what our scheduler and what our channel add to the floor, when
 * {@code fibers-park-1-scheduler} and {@code channel-on-floor} ran.
 *
 * <pre>
 * java --add-opens=java.base/java.lang=ALL-UNNAMED -cp fibers-benchmarks/target/benchmarks.jar \
 *      org.fibers.benchmarks.channels.InterleavedChannels [rounds [scenario...]]
 * </pre>
 * By default 200 rounds of 20,000 operations of every scenario in {@link Scenario#NAMES}; the
 * ratio columns and target lines need their reference scenarios in the run. Each sample hands
 * its world batches of 1,000 operations: every batch wakes the world's threads from this one
 * and back, which adds those wake-ups to every scenario's figure.
 * {@code -Dchannels.batch=20000} hands over each sample whole, closer to a steady stream.
 */
public final class InterleavedChannels {
    private static final int PER_SAMPLE = 20_000;
    /** Operations per hand-over between the benchmark thread and a world (-Dchannels.batch). */
    private static final int BATCH = batch(Integer.getInteger("channels.batch", 1000));

    private InterleavedChannels() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        String[] names = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : Scenario.NAMES;
        int k = names.length;
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Scenario[] worlds = new Scenario[k];
        for (int i = 0; i < k; i++) {
            worlds[i] = Scenario.open(names[i]);
        }
        double[][] ns = new double[k][rounds];
        long[] wallSum = new long[k];
        long[] cpuSum = new long[k];
        int warmup = Math.max(10, rounds / 5);
        try {
            for (int r = -warmup; r < rounds; r++) {
                for (int j = 0; j < k; j++) {
                    int v = (r & 1) == 0 ? j : k - 1 - j;
                    long c0 = os.getProcessCpuTime();
                    long t0 = System.nanoTime();
                    for (int done = 0; done < PER_SAMPLE; done += BATCH) {
                        worlds[v].run(BATCH);
                    }
                    long t = System.nanoTime() - t0;
                    long c = os.getProcessCpuTime() - c0;
                    if (r >= 0) {
                        ns[v][r] = (double) t / PER_SAMPLE;
                        wallSum[v] += t;
                        cpuSum[v] += c;
                    }
                }
            }
        } finally {
            for (Scenario w : worlds) {
                w.close();
            }
        }
        report(names, ns, rounds, warmup, cpuSum, wallSum);
    }

    private static void report(String[] names, double[][] ns, int rounds, int warmup, long[] cpuSum, long[] wallSum) {
        int floor = indexOf(names, "loom-floor");
        int syncQueue = indexOf(names, "syncqueue-default-vt");
        System.out.printf("channels: %d rounds x %,d operations per sample in batches of %,d, after %d warm-up rounds; "
                + "ns per round trip (choice, select: per message)%n", rounds, PER_SAMPLE, BATCH, warmup);
        System.out.printf("%-24s %8s %8s %8s %8s %7s   %-9s %-11s %s%n", "scenario", "min", "p25", "median", "p75",
                "cores", "x floor", "x syncqueue", "x its Kotlin peer");
        for (int v = 0; v < names.length; v++) {
            double[] s = sorted(ns[v]);
            int peer = indexOf(names, KOTLIN_PEER.getOrDefault(names[v], ""));
            System.out.printf("%-24s %8.1f %8.1f %8.1f %8.1f %7.2f   %-9s %-11s %s%n", names[v], s[0], q(s, 0.25),
                    q(s, 0.5), q(s, 0.75), (double) cpuSum[v] / wallSum[v], ratio(ns, v, floor),
                    ratio(ns, v, syncQueue), peer < 0 ? "" : ratio(ns, v, peer) + " (" + names[peer] + ")");
        }
        System.out.println("ratios are medians of per-round ratios (both sides of a ratio ran in the same round)");
        int one = indexOf(names, "fibers-1-scheduler");
        int two = indexOf(names, "fibers-2-schedulers");
        int choice = indexOf(names, "fibers-choice-4");
        int select = indexOf(names, "kotlin-select-4");
        if (one >= 0 && floor >= 0) {
            double r = medianRatio(ns[one], ns[floor]);
            System.out.printf("target fibers-1-scheduler <= 1.15 x floor:       %.3f  %s%n", r, verdict(r <= 1.15));
            int park = indexOf(names, "fibers-park-1-scheduler");
            int onFloor = indexOf(names, "channel-on-floor");
            if (park >= 0 && onFloor >= 0) {
                double sched = medianRatio(ns[park], ns[floor]);
                double chan = medianRatio(ns[onFloor], ns[floor]);
                // Each adds its own work to the floor's hand-off, so their excesses add up.
                System.out.printf("  of which: our scheduler %.3f x floor (bare park/unpark on it), our channel %.3f x floor"
                        + " (on the floor's executor); 1 + both excesses = %.3f%n", sched, chan, sched + chan - 1);
            }
        }
        if (two >= 0 && syncQueue >= 0) {
            double r = medianRatio(ns[two], ns[syncQueue]);
            System.out.printf("target fibers-2-schedulers <= 1.00 x syncqueue:  %.3f  %s%n", r, verdict(r <= 1.0));
        }
        if (choice >= 0) {
            double median = q(sorted(ns[choice]), 0.5);
            System.out.printf("target fibers-choice-4 <= 350 ns per message:    %.1f  %s%s%n", median, verdict(median <= 350),
                    select < 0 ? "" : String.format("; %.3f x kotlin-select-4 (quoted at 320-380 ns where 350 was set)",
                            medianRatio(ns[choice], ns[select])));
        }
        int buffered = indexOf(names, "fibers-buffered-16");
        int abq = indexOf(names, "abq-16-default-vt");
        if (buffered >= 0 && abq >= 0) {
            System.out.printf("fibers-buffered-16 (no target): %.1f ns per message, %.3f x ArrayBlockingQueue(16) on"
                    + " default virtual threads%n", q(sorted(ns[buffered]), 0.5), medianRatio(ns[buffered], ns[abq]));
        }
    }

    /** The median per-round ratio of scenario a to scenario b, or "" when b did not run. */
    private static String ratio(double[][] ns, int a, int b) {
        return b < 0 ? "" : String.format("%.3f", medianRatio(ns[a], ns[b]));
    }

    static double[] sorted(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s;
    }

    /** The Kotlin coroutines scenario doing the same work as a fiber scenario. */
    private static final Map<String, String> KOTLIN_PEER = Map.of(
            "fibers-1-scheduler", "kotlin-1-thread",
            "fibers-2-schedulers", "kotlin-default",
            "fibers-choice-4", "kotlin-select-4",
            "fibers-buffered-16", "kotlin-buffered-16");

    static int batch(int n) {
        if (n <= 0 || PER_SAMPLE % n != 0) {
            throw new IllegalArgumentException("-Dchannels.batch must divide " + PER_SAMPLE + ": " + n);
        }
        return n;
    }

    private static String verdict(boolean met) {
        return met ? "MET" : "MISSED";
    }

    /** The median over rounds of a[r] / b[r]. */
    static double medianRatio(double[] a, double[] b) {
        double[] ratio = new double[a.length];
        for (int r = 0; r < a.length; r++) {
            ratio[r] = a[r] / b[r];
        }
        Arrays.sort(ratio);
        return q(ratio, 0.5);
    }

    /** Position of {@code name} in {@code names}, or -1. */
    private static int indexOf(String[] names, String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The p-quantile of sorted values (nearest rank). */
    static double q(double[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
    }
}
