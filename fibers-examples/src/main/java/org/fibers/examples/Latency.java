package org.fibers.examples;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Request latency of an example client, as percentiles: each client fiber records into its own
 * {@link Histogram} (HdrHistogram, three significant digits, no sharing on the hot path), the
 * histograms are added together at the end, and the client prints one line that people read and
 * the benchmarks parse:
 * <pre>
 * latency: p50 0.112 ms, p90 0.198 ms, p99 0.431 ms, max 3.210 ms (100000 requests)
 * </pre>
 */
public final class Latency {
    private static final Pattern LINE = Pattern.compile(
            "latency: p50 ([0-9.]+) ms, p90 ([0-9.]+) ms, p99 ([0-9.]+) ms, max ([0-9.]+) ms \\((\\d+) requests\\)");

    private Latency() {
    }

    /**
     * Percentiles in milliseconds, and how many requests they cover.
     *
     * @param p50Millis the median latency
     * @param p90Millis the 90th percentile
     * @param p99Millis the 99th percentile
     * @param maxMillis the largest latency recorded
     * @param count how many requests were recorded
     */
    public record Percentiles(double p50Millis, double p90Millis, double p99Millis, double maxMillis, long count) {
        /** {@return the line clients print, in the format {@link #parse} reads} */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "latency: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms (%d requests)",
                    p50Millis, p90Millis, p99Millis, maxMillis, count);
        }
    }

    /**
     * A histogram for one client fiber: nanoseconds from 1 ns, resized as needed, three
     * significant digits.
     *
     * @return an empty histogram
     */
    public static Histogram newHistogram() {
        return new Histogram(3);
    }

    /**
     * The percentiles of a histogram of nanoseconds.
     *
     * @param nanos what the client fibers recorded, added together
     * @return its p50, p90, p99 and maximum in milliseconds
     */
    public static Percentiles of(Histogram nanos) {
        return new Percentiles(nanos.getValueAtPercentile(50) / 1e6, nanos.getValueAtPercentile(90) / 1e6,
                nanos.getValueAtPercentile(99) / 1e6, nanos.getMaxValue() / 1e6, nanos.getTotalCount());
    }

    /**
     * Finds a client's latency line in its output.
     *
     * @param output everything the client printed
     * @return the percentiles, or empty when no line is there
     */
    public static Optional<Percentiles> parse(String output) {
        Matcher m = LINE.matcher(output);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new Percentiles(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
                Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), Long.parseLong(m.group(5))));
    }
}
