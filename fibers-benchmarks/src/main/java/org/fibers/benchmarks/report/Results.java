package org.fibers.benchmarks.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The raw results of one comparison run, in the one JSON schema that every comparison writes
 * ({@value #SCHEMA}), so that the report can merge them and runs can be compared later.
 *
 * <p>A comparison makes one with {@link #forArea}, records what it measured as it prints its own
 * table, and calls {@link #write()} at the end. Nothing is written unless the system property
 * {@value #FILE_PROPERTY} names a file: run by hand, a comparison prints its table and nothing
 * else changes.
 *
 * <p>The schema (every number a JSON number; NaN and infinities are written as {@code null}):
 * <pre>
 * { "schema": "fibers-bench-result/1", "area": "web", "title": "...", "command": "...",
 *   "startedAt": ISO-8601, "endedAt": ISO-8601,
 *   "machine": { "cpus": 2, "cpuModel": "...", "java": "25.0.3", "os": "Linux 6.1", "maxHeapBytes": ... },
 *   "params":  { "rounds": 5, ... },
 *   "series":  [ { "scenario": "fibers", "metric": "req_per_s", "unit": "req/s", "better": "higher",
 *                  "perRound": [...], "median": m, "min": a, "max": b } ],
 *   "ratios":  [ { "scenario": "fibers", "baseline": "netty", "metric": "req_per_s",
 *                  "perRound": [...], "median": m } ],
 *   "targets": [ { "text": "fibers req/s >= 0.9x netty's", "scenario": "fibers", "baseline": "netty",
 *                  "metric": "req_per_s", "op": "&gt;=", "bound": 0.9, "measured": 0.96, "met": true } ],
 *   "points":  [ { "scenario": "fibers", "series": "rss_bytes", "x": 1000, "y": 1.2e7 } ],
 *   "skipped": [ { "scenario": "helidon", "reason": "..." } ] }
 * </pre>
 * Latency percentiles are series whose metric names the percentile ({@code p50_ms},
 * {@code p99_ms}); memory against connection count is a list of points.
 *
 * <p>Not thread-safe: a comparison records from its one main thread.
 */
public final class Results {
    /** The schema name and version every file carries. */
    public static final String SCHEMA = "fibers-bench-result/1";
    /** The system property that names the JSON file to write. */
    public static final String FILE_PROPERTY = "fibers.report.json";

    /** Which way a metric improves. */
    public enum Better {
        /** More is better (throughput). */
        HIGHER,
        /** Less is better (time, CPU, bytes). */
        LOWER
    }

    private final Path file;
    private final Map<String, Object> root = new LinkedHashMap<>();
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final List<Map<String, Object>> series = new ArrayList<>();
    private final List<Map<String, Object>> ratios = new ArrayList<>();
    private final List<Map<String, Object>> targets = new ArrayList<>();
    private final List<Map<String, Object>> points = new ArrayList<>();
    private final List<Map<String, Object>> skipped = new ArrayList<>();

    private Results(Path file, String area, String title, String command) {
        this.file = file;
        root.put("schema", SCHEMA);
        root.put("area", area);
        root.put("title", title);
        root.put("command", command);
        root.put("startedAt", Instant.now().toString());
        root.put("machine", Machine.describe());
    }

    /**
     * Results for one area ({@code handoff}, {@code spawnjoin}, {@code channels}, {@code ping},
     * {@code memcached}, {@code web}, {@code footprint}), written to the file that the system
     * property {@value #FILE_PROPERTY} names, or nowhere when it is not set.
     *
     * @param area    the report section these results belong to
     * @param title   a human title for the section, e.g. "Ping: server CPU per round trip"
     * @param command the command that produced them, as a user would type it
     * @return a recorder; its methods are cheap no-ops on the write side when no file is named
     */
    public static Results forArea(String area, String title, String command) {
        String name = System.getProperty(FILE_PROPERTY);
        return new Results(name == null || name.isBlank() ? null : Path.of(name), area, title, command);
    }

    /** @return whether {@link #write()} will write a file */
    public boolean enabled() {
        return file != null;
    }

    /**
     * Records a parameter of the run (rounds, clients, duration...).
     *
     * @param key   its name
     * @param value a number, string or boolean
     * @return this
     */
    public Results param(String key, Object value) {
        params.put(key, value);
        return this;
    }

    /**
     * Records one metric of one scenario, a value per round.
     *
     * @param scenario the server or variant ({@code fibers}, {@code netty}, ...)
     * @param metric   a snake_case name, e.g. {@code req_per_s}, {@code cpu_s_per_1m_req}, {@code p99_ms}
     * @param unit     its unit as printed in a table header, e.g. {@code req/s}
     * @param better   which way it improves
     * @param perRound the value of each round, in round order
     */
    public void series(String scenario, String metric, String unit, Better better, double[] perRound) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("scenario", scenario);
        s.put("metric", metric);
        s.put("unit", unit);
        s.put("better", better.name().toLowerCase(java.util.Locale.ROOT));
        s.put("perRound", numbers(perRound));
        double[] sorted = perRound.clone();
        Arrays.sort(sorted);
        s.put("median", number(median(sorted)));
        s.put("min", number(sorted.length == 0 ? Double.NaN : sorted[0]));
        s.put("max", number(sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]));
        series.add(s);
    }

    /**
     * Records the per-round ratio of one scenario's metric to a baseline's, and its median.
     *
     * @param scenario the scenario measured
     * @param baseline the scenario it is divided by
     * @param metric   the metric both share
     * @param perRound {@code scenario[r] / baseline[r]} for each round r
     */
    public void ratio(String scenario, String baseline, String metric, double[] perRound) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenario", scenario);
        r.put("baseline", baseline);
        r.put("metric", metric);
        r.put("perRound", numbers(perRound));
        double[] sorted = perRound.clone();
        Arrays.sort(sorted);
        r.put("median", number(median(sorted)));
        ratios.add(r);
    }

    /**
     * Records a target the run answers and whether it was met.
     *
     * @param text     the target as the comparison prints it, e.g. "fibers req/s &gt;= 0.9x netty's"
     * @param scenario the scenario it is about
     * @param baseline the scenario it is measured against, or null for an absolute target
     * @param metric   the metric it bounds
     * @param atLeast  true for a lower bound ({@code >=}), false for an upper bound ({@code <=})
     * @param bound    the bound
     * @param measured the measured value (usually a median of per-round ratios); NaN if not measured
     * @return whether it was met (false when not measured)
     */
    public boolean target(String text, String scenario, String baseline, String metric, boolean atLeast,
                          double bound, double measured) {
        boolean met = !Double.isNaN(measured) && (atLeast ? measured >= bound : measured <= bound);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("text", text);
        t.put("scenario", scenario);
        t.put("baseline", baseline);
        t.put("metric", metric);
        t.put("op", atLeast ? ">=" : "<=");
        t.put("bound", bound);
        t.put("measured", number(measured));
        t.put("met", met);
        targets.add(t);
        return met;
    }

    /**
     * Records one point of a curve, e.g. resident memory against connection count.
     *
     * @param scenario the server
     * @param name     the curve, e.g. {@code rss_bytes}
     * @param x        the abscissa (connections)
     * @param y        the value
     */
    public void point(String scenario, String name, double x, double y) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("scenario", scenario);
        p.put("series", name);
        p.put("x", number(x));
        p.put("y", number(y));
        points.add(p);
    }

    /**
     * Records a scenario that did not run (a peer not installed, a server that failed to start).
     *
     * @param scenario the scenario
     * @param reason   why, in a sentence
     */
    public void skipped(String scenario, String reason) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("scenario", scenario);
        s.put("reason", reason);
        skipped.add(s);
    }

    /**
     * Writes the JSON file, if a file was named; does nothing otherwise.
     *
     * @throws UncheckedIOException if the file cannot be written
     */
    public void write() {
        if (file == null) {
            return;
        }
        root.put("endedAt", Instant.now().toString());
        root.put("params", params);
        root.put("series", series);
        root.put("ratios", ratios);
        root.put("targets", targets);
        root.put("points", points);
        root.put("skipped", skipped);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * The median of sorted values.
     *
     * @param sorted values in ascending order
     * @return their median, NaN if there are none
     */
    public static double median(double[] sorted) {
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * The median of values in any order.
     *
     * @param values the values; not changed
     * @return their median, NaN if there are none
     */
    public static double medianOf(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return median(sorted);
    }

    /**
     * Per-round ratios: {@code f(mine[r]) / f(base[r])} for each round r both have.
     *
     * @param mine the measured scenario's rounds
     * @param base the baseline's rounds, in the same order
     * @param f    the metric
     * @param <T>  what a round's measurement is
     * @return one ratio per round both have
     */
    public static <T> double[] perRoundRatios(List<T> mine, List<T> base, java.util.function.ToDoubleFunction<T> f) {
        int n = Math.min(mine.size(), base.size());
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = f.applyAsDouble(mine.get(i)) / f.applyAsDouble(base.get(i));
        }
        return r;
    }

    private static List<Object> numbers(double[] values) {
        List<Object> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(number(v));
        }
        return out;
    }

    /** JSON has no NaN: a value that is not finite is written as null. */
    private static Object number(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
