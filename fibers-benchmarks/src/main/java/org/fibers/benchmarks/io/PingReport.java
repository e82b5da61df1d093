package org.fibers.benchmarks.io;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.fibers.benchmarks.io.PingComparison.Measurement;
import org.fibers.benchmarks.report.Results;

/**
 * The table, targets line and floor line of {@link PingComparison}, and the same figures
 * recorded in its {@link Results}: per server and round, throughput, server CPU and its user
 * part per million round trips, and the client's latency percentiles; every CPU ratio the table
 * prints; the targets, met or missed.
 *
 * <p>Medians are medians over rounds of each column, and ratios medians of per-round ratios: the
 * rounds interleave the servers, so one round's runs share the machine's drift (on a shared VM
 * the same server's CPU per round trip moves by 30% between rounds), which a ratio of two
 * medians taken from different rounds would not cancel.
 */
final class PingReport {
    private static final String OURS = "fibers";
    private static final String NETTY = "netty";
    private static final String JDK = "jdk-vt";
    private static final String FLOOR = "loom-floor";
    private static final String CPU = "cpu_s_per_1m_rt";
    private static final String RT = "rt_per_s";

    private final Map<String, List<Measurement>> measured;
    private final Results results;

    /**
     * A report of one run.
     *
     * @param measured per server that ran, its measurement of each round, in round order
     * @param results  where the figures go
     */
    PingReport(Map<String, List<Measurement>> measured, Results results) {
        this.measured = measured;
        this.results = results;
    }

    /**
     * Prints the table and the lines under it, and records them.
     *
     * @param clients  connections per client run
     * @param requests requests per connection
     */
    void print(int clients, int requests) {
        System.out.println();
        if (measured.isEmpty()) {
            System.out.println("no server ran");
            return;
        }
        System.out.printf("%-10s %14s %22s %14s %8s %8s %8s %9s %10s %9s%n", "server", "round trips/s",
                "server CPU s / 1M RT", "of which user", "p50 ms", "p90 ms", "p99 ms", "vs netty", "vs jdk-vt", "vs floor");
        for (Map.Entry<String, List<Measurement>> e : measured.entrySet()) {
            String name = e.getKey();
            List<Measurement> ms = e.getValue();
            double rt = series(name, RT, "RT/s", Results.Better.HIGHER, ms, Measurement::roundTripsPerSecond);
            double cpu = series(name, CPU, "s/1M RT", Results.Better.LOWER, ms, Measurement::cpuSecondsPerMillion);
            double user = series(name, "user_cpu_s_per_1m_rt", "s/1M RT", Results.Better.LOWER, ms,
                    Measurement::userSecondsPerMillion);
            double p50 = series(name, "p50_ms", "ms", Results.Better.LOWER, ms, m -> m.latency().p50Millis());
            double p90 = series(name, "p90_ms", "ms", Results.Better.LOWER, ms, m -> m.latency().p90Millis());
            double p99 = series(name, "p99_ms", "ms", Results.Better.LOWER, ms, m -> m.latency().p99Millis());
            System.out.printf(Locale.ROOT, "%-10s %14.0f %22.2f %14s %8.3f %8.3f %8.3f %9s %10s %9s%n", name, rt, cpu,
                    formatSeconds(user), p50, p90, p99, format(cpuRatio(name, NETTY)), format(cpuRatio(name, JDK)),
                    format(cpuRatio(name, FLOOR)));
        }
        System.out.printf("(medians of %d rounds of %d x %d; \"of which user\": the user-space part of the CPU,"
                + " the rest is kernel time, from /proc/PID/stat; p50-p99: ping-client's latency percentiles;"
                + " \"vs\" columns: median of the per-round ratios of CPU per round trip)%n",
                measured.values().iterator().next().size(), clients, requests);
        targets();
        floorLine();
    }

    private void targets() {
        if (!measured.containsKey(OURS)) {
            return;
        }
        String cpuNetty = target("fibers CPU/RT <= 1.00x netty's", NETTY, CPU, false, 1.0, measuredCpuRatio(NETTY));
        String cpuJdk = target("fibers CPU/RT <= 0.85x jdk-vt's", JDK, CPU, false, 0.85, measuredCpuRatio(JDK));
        String throughput = target("fibers RT/s >= 1.00x netty's", NETTY, RT, true, 1.0,
                ratio(OURS, NETTY, RT, Measurement::roundTripsPerSecond));
        String cpuFloor = target("fibers CPU/RT <= 1.05x loom-floor's", FLOOR, CPU, false, 1.05, measuredCpuRatio(FLOOR));
        System.out.printf("targets: CPU/RT <= netty: %s; CPU/RT <= 0.85x jdk-vt: %s; throughput >= netty: %s;"
                + " CPU/RT <= 1.05x loom-floor: %s%n", cpuNetty, cpuJdk, throughput, cpuFloor);
    }

    private void floorLine() {
        List<Measurement> netty = measured.get(NETTY);
        List<Measurement> floor = measured.get(FLOOR);
        if (netty == null || floor == null) {
            return;
        }
        double[] extraUser = new double[Math.min(netty.size(), floor.size())];
        for (int r = 0; r < extraUser.length; r++) {
            extraUser[r] = floor.get(r).userSecondsPerMillion() - netty.get(r).userSecondsPerMillion();
        }
        System.out.printf(Locale.ROOT, "floor: %s is %s netty's CPU/RT, %s s more user time per 1M RT: one"
                + " virtual-thread park/unpark per read, with no scheduler%s%n", FLOOR, format(measuredCpuRatio(FLOOR, NETTY)),
                formatSeconds(median(extraUser)),
                measured.containsKey(OURS) ? "; fibers is " + format(measuredCpuRatio(OURS, FLOOR)) + " the floor" : "");
    }

    /** Prints nothing; records the target and returns its verdict and measured value as the line shows them. */
    private String target(String text, String baseline, String metric, boolean atLeast, double bound, double value) {
        boolean met = results.target(text, OURS, baseline, metric, atLeast, bound, value);
        if (Double.isNaN(value)) {
            return "not measured (" + baseline + " did not run)";
        }
        return String.format(Locale.ROOT, "%s (%.2fx)", met ? "met" : "MISSED", value);
    }

    /** Records a series and returns its median. */
    private double series(String name, String metric, String unit, Results.Better better, List<Measurement> ms,
                          ToDoubleFunction<Measurement> f) {
        double[] values = ms.stream().mapToDouble(f).toArray();
        results.series(name, metric, unit, better, values);
        return median(values);
    }

    /** The CPU ratio of a table cell: recorded, as the median of per-round ratios; NaN for a server against itself or a missing one. */
    private double cpuRatio(String name, String baseline) {
        if (name.equals(baseline)) {
            return 1.0;
        }
        return ratio(name, baseline, CPU, Measurement::cpuSecondsPerMillion);
    }

    private double measuredCpuRatio(String baseline) {
        return measuredCpuRatio(OURS, baseline);
    }

    /** The median per-round CPU ratio, not recorded again (the table cell already was). */
    private double measuredCpuRatio(String name, String baseline) {
        return perRoundMedian(name, baseline, Measurement::cpuSecondsPerMillion);
    }

    /** Records the per-round ratio of {@code f} of name to baseline and returns its median; NaN if either did not run. */
    private double ratio(String name, String baseline, String metric, ToDoubleFunction<Measurement> f) {
        double[] perRound = perRound(name, baseline, f);
        if (perRound == null) {
            return Double.NaN;
        }
        results.ratio(name, baseline, metric, perRound);
        return median(perRound);
    }

    private double perRoundMedian(String name, String baseline, ToDoubleFunction<Measurement> f) {
        double[] perRound = perRound(name, baseline, f);
        return perRound == null ? Double.NaN : median(perRound);
    }

    private double[] perRound(String name, String baseline, ToDoubleFunction<Measurement> f) {
        List<Measurement> ms = measured.get(name);
        List<Measurement> base = measured.get(baseline);
        if (ms == null || base == null || base.isEmpty()) {
            return null;
        }
        return Results.perRoundRatios(ms, base, f);
    }

    private static double median(double[] values) {
        return Results.medianOf(values);
    }

    private static String formatSeconds(double seconds) {
        return Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.2f", seconds);
    }

    private static String format(double ratio) {
        return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2fx", ratio);
    }
}
