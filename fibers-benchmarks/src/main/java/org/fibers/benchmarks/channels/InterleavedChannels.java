package org.fibers.benchmarks.channels;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fibers.benchmarks.report.Results;

/**
 * The channel scenarios of {@link ChannelComparison} in short alternating samples in one JVM,
 * for shared and virtual machines: there the cost of moving a cache line between the two cores
 * drifts by 2-3x over seconds (the hypervisor moves the virtual CPUs), which makes two JMH runs a
 * minute apart incomparable. Every world stays open; each round runs every scenario once (order
 * reversed every other round), and the report gives each scenario's spread, its CPU use and the
 * median of its per-round ratio to the Loom floor, to {@code SynchronousQueue} and, for the
 * fiber scenarios, to the Kotlin coroutines scenario that does the same work: drift hits both
 * sides of a ratio alike. It ends with the channel targets of issue 3 (the one-scheduler one as
 * restated for the report: within 1.25x of the floor), met or missed, and splits
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
 * With {@code -Dfibers.report.json=FILE} it also writes its figures there ({@link Results},
 * area {@code channels}); a scenario that does not open is recorded as skipped.
 */
public final class InterleavedChannels {
    private static final int PER_SAMPLE = 20_000;
    /** Operations per hand-over between the benchmark thread and a world (-Dchannels.batch). */
    private static final int BATCH = batch(Integer.getInteger("channels.batch", 1000));

    private InterleavedChannels() {
    }

    /**
     * Runs the comparison.
     *
     * @param args {@code [rounds [scenario...]]}
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        String[] asked = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : Scenario.NAMES;
        Results results = Results.forArea("channels", "Channels against the Loom floor, SynchronousQueue and Kotlin coroutines",
                InterleavedChannels.class.getName() + " " + String.join(" ", args));
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (String name : asked) {
            if (!Arrays.asList(Scenario.NAMES).contains(name)) {
                throw new IllegalArgumentException("unknown scenario " + name + "; known: " + Arrays.toString(Scenario.NAMES));
            }
        }
        List<String> opened = new ArrayList<>();
        List<Scenario> worldList = new ArrayList<>();
        for (String name : asked) {
            try {
                worldList.add(Scenario.open(name));
                opened.add(name);
            } catch (RuntimeException | LinkageError e) {
                System.out.printf("%s: skipped, it did not open: %s%n", name, e);
                results.skipped(name, "did not open: " + e);
            }
        }
        String[] names = opened.toArray(String[]::new);
        Scenario[] worlds = worldList.toArray(Scenario[]::new);
        int k = names.length;
        double[][] ns = new double[k][rounds];
        double[][] cores = new double[k][rounds];
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
                        cores[v][r] = (double) c / t;
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
        results.param("rounds", rounds).param("per_sample", PER_SAMPLE).param("batch", BATCH)
                .param("warmup_rounds", warmup).param("ours", InterleavedChannelsReport.OURS);
        System.out.printf("channels: %d rounds x %,d operations per sample in batches of %,d, after %d warm-up rounds; "
                + "ns per round trip (choice, select: per message)%n", rounds, PER_SAMPLE, BATCH, warmup);
        new InterleavedChannelsReport(results, names, ns).print(cores, cpuSum, wallSum);
        results.write();
    }

    static double[] sorted(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s;
    }

    static int batch(int n) {
        if (n <= 0 || PER_SAMPLE % n != 0) {
            throw new IllegalArgumentException("-Dchannels.batch must divide " + PER_SAMPLE + ": " + n);
        }
        return n;
    }

    /** The median over rounds of a[r] / b[r] (the mean of the middle two for an even count). */
    static double medianRatio(double[] a, double[] b) {
        return Results.median(sorted(perRound(a, b)));
    }

    /** a[r] / b[r] for each round r. */
    static double[] perRound(double[] a, double[] b) {
        double[] ratio = new double[a.length];
        for (int r = 0; r < a.length; r++) {
            ratio[r] = a[r] / b[r];
        }
        return ratio;
    }

    /** The p-quantile of sorted values (nearest rank). */
    static double q(double[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
    }
}
