package org.fibers.benchmarks.channels;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * The channel scenarios of {@link ChannelComparison} in short alternating samples in one JVM,
 * for shared and virtual machines: there the cost of moving a cache line between the two cores
 * drifts by 2-3x over seconds (the hypervisor moves the virtual CPUs), which makes two JMH runs a
 * minute apart incomparable. Every world stays open; each round runs every scenario once (order
 * reversed every other round), and the report gives each scenario's spread, its CPU use and the
 * median of its per-round ratio to the Loom floor and to {@code SynchronousQueue}: drift hits
 * both sides of a ratio alike.
 *
 * <pre>
 * java --add-opens=java.base/java.lang=ALL-UNNAMED -cp fibers-benchmarks/target/benchmarks.jar \
 *      org.fibers.benchmarks.channels.InterleavedChannels [rounds]     (default 200 rounds of 20,000 operations)
 * </pre>
 */
public final class InterleavedChannels {
    private static final int PER_SAMPLE = 20_000;

    private InterleavedChannels() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        String[] names = Scenario.NAMES;
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
                    for (int done = 0; done < PER_SAMPLE; done += 1000) {
                        worlds[v].run(1000);
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
        int floor = indexOf(names, "loom-floor");
        int syncQueue = indexOf(names, "syncqueue-default-vt");
        System.out.printf("channels: %d rounds x %,d operations per sample, after %d warm-up rounds; ns per round trip "
                + "(choice: per message)%n", rounds, PER_SAMPLE, warmup);
        System.out.printf("%-22s %8s %8s %8s %8s %7s   %-16s %-16s%n", "scenario", "min", "p25", "median", "p75",
                "cores", "x floor (median)", "x syncqueue");
        for (int v = 0; v < k; v++) {
            double[] s = ns[v].clone();
            Arrays.sort(s);
            System.out.printf("%-22s %8.1f %8.1f %8.1f %8.1f %7.2f   %-16s %-16s%n", names[v], s[0], q(s, 0.25),
                    q(s, 0.5), q(s, 0.75), (double) cpuSum[v] / wallSum[v], medianRatio(ns[v], ns[floor]),
                    medianRatio(ns[v], ns[syncQueue]));
        }
        System.out.println("targets: fibers-1-scheduler <= 1.15 x floor; fibers-2-schedulers <= 1.00 x syncqueue; "
                + "fibers-choice-4 <= 350 ns");
    }

    private static String medianRatio(double[] a, double[] b) {
        double[] ratio = new double[a.length];
        for (int r = 0; r < a.length; r++) {
            ratio[r] = a[r] / b[r];
        }
        Arrays.sort(ratio);
        return String.format("%.3f", q(ratio, 0.5));
    }

    private static int indexOf(String[] names, String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException(name);
    }

    private static double q(double[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
    }
}
