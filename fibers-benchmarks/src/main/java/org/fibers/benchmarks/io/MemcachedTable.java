package org.fibers.benchmarks.io;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.fibers.benchmarks.io.MemcachedComparison.Run;
import org.fibers.benchmarks.report.Results;
import org.fibers.examples.Latency;

/**
 * One load's part of {@link MemcachedComparison}'s output: a table row per server (medians over
 * rounds, and the medians of the per-round ratios to the C server), the same figures recorded in
 * the {@link Results}, and the load's two targets for our default server.
 */
final class MemcachedTable {
    private final String load;
    private final String metricPrefix;
    private final Map<String, List<Run>> runs;
    private final Results report;

    /**
     * @param load         the load as the table names it
     * @param metricPrefix put before each metric's name, so that two loads' series stay apart
     * @param runs         per server, one run per round
     * @param report       where the figures are recorded
     */
    MemcachedTable(String load, String metricPrefix, Map<String, List<Run>> runs, Results report) {
        this.load = load;
        this.metricPrefix = metricPrefix;
        this.runs = runs;
        this.report = report;
    }

    /** Prints a row per server and records its series and its ratios to the C server. */
    void rows() {
        List<Run> c = runs.get(MemcachedComparison.C);
        for (Map.Entry<String, List<Run>> e : runs.entrySet()) {
            String who = e.getKey();
            List<Run> mine = e.getValue();
            double[] rate = values(mine, Run::opsPerSecond);
            double[] cpu = values(mine, Run::cpuPerMillion);
            double[] rateRatio = c == null ? new double[0] : ratios(mine, c, Run::opsPerSecond);
            double[] cpuRatio = c == null ? new double[0] : ratios(mine, c, Run::cpuPerMillion);
            report.series(who, metricPrefix + "ops_per_s", "ops/s", Results.Better.HIGHER, rate);
            report.series(who, metricPrefix + "cpu_s_per_1m_ops", "CPU s / 1M ops", Results.Better.LOWER, cpu);
            double[] p50 = values(mine, r -> r.percentile(Latency.Percentiles::p50Millis));
            double[] p90 = values(mine, r -> r.percentile(Latency.Percentiles::p90Millis));
            double[] p99 = values(mine, r -> r.percentile(Latency.Percentiles::p99Millis));
            boolean latency = !mine.isEmpty() && mine.get(0).latency() != null;
            if (latency) {
                report.series(who, metricPrefix + "p50_ms", "ms", Results.Better.LOWER, p50);
                report.series(who, metricPrefix + "p90_ms", "ms", Results.Better.LOWER, p90);
                report.series(who, metricPrefix + "p99_ms", "ms", Results.Better.LOWER, p99);
            }
            if (c != null && !who.equals(MemcachedComparison.C)) {
                report.ratio(who, MemcachedComparison.C, metricPrefix + "ops_per_s", rateRatio);
                report.ratio(who, MemcachedComparison.C, metricPrefix + "cpu_s_per_1m_ops", cpuRatio);
            }
            System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %s | %.2f | %s | %s | %s | %s |%n", load, who, median(rate),
                    times(median(rateRatio)), median(cpu), times(median(cpuRatio)), millis(latency, p50), millis(latency, p90),
                    millis(latency, p99));
        }
    }

    /**
     * Prints and records the load's targets for our default server: at least 0.7x the C server's
     * operations per second, at most 1.5x its CPU per operation (not measured when either did not run).
     */
    void targets() {
        List<Run> ours = runs.get(MemcachedComparison.LOCKS);
        List<Run> c = runs.get(MemcachedComparison.C);
        target("ops/s >= 0.7x", "ops_per_s", true, 0.7, ours, c, Run::opsPerSecond);
        target("CPU/op <= 1.5x", "cpu_s_per_1m_ops", false, 1.5, ours, c, Run::cpuPerMillion);
    }

    private void target(String bound, String metric, boolean atLeast, double limit, List<Run> ours, List<Run> c,
                        ToDoubleFunction<Run> f) {
        String text = MemcachedComparison.LOCKS + " " + bound + " " + MemcachedComparison.C + "'s (" + load.split(" ")[0] + ")";
        boolean measured = ours != null && c != null && !ours.isEmpty() && !c.isEmpty();
        double ratio = measured ? median(ratios(ours, c, f)) : Double.NaN;
        boolean met = report.target(text, MemcachedComparison.LOCKS, MemcachedComparison.C, metricPrefix + metric, atLeast, limit,
                ratio);
        System.out.printf(Locale.ROOT, "target %s: %s%n", text,
                measured ? String.format(Locale.ROOT, "%.2fx  %s", ratio, met ? "MET" : "MISSED") : "not measured");
    }

    private static double[] values(List<Run> runs, ToDoubleFunction<Run> f) {
        return runs.stream().mapToDouble(f).toArray();
    }

    private static double[] ratios(List<Run> mine, List<Run> base, ToDoubleFunction<Run> f) {
        return Results.perRoundRatios(mine, base, f);
    }

    private static double median(double[] v) {
        return Results.medianOf(v);
    }

    private static String times(double ratio) {
        return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2fx", ratio);
    }

    private static String millis(boolean known, double[] v) {
        return known ? String.format(Locale.ROOT, "%.3f", median(v)) : "-";
    }
}
