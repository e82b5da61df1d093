package org.fibers.benchmarks.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code wrk -tT -cC -dDs --latency URL} (Debian's package {@code wrk}) and reads its
 * report: requests, requests per second, the 50%, 90% and 99% latencies, socket errors and
 * non-2xx answers.
 */
final class Wrk {
    private static final Pattern REQUESTS = Pattern.compile("(?m)^\\s*(\\d+) requests in ([0-9.]+)(us|ms|s|m)");
    private static final Pattern RATE = Pattern.compile("(?m)^Requests/sec:\\s+([0-9.]+)");
    private static final Pattern P50 = Pattern.compile("(?m)^\\s+50%\\s+([0-9.]+)(us|ms|s|m)\\s*$");
    private static final Pattern P90 = Pattern.compile("(?m)^\\s+90%\\s+([0-9.]+)(us|ms|s|m)\\s*$");
    private static final Pattern P99 = Pattern.compile("(?m)^\\s+99%\\s+([0-9.]+)(us|ms|s|m)\\s*$");
    private static final Pattern SOCKET_ERRORS =
            Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private Wrk() {
    }

    /**
     * What one wrk run reported.
     *
     * @param requests     requests completed
     * @param perSecond    wrk's requests/sec
     * @param p50Millis    median latency
     * @param p90Millis    90th percentile latency
     * @param p99Millis    99th percentile latency
     * @param socketErrors connect + read + write + timeout errors
     * @param non2xx       answers other than 2xx or 3xx
     */
    record Result(long requests, double perSecond, double p50Millis, double p90Millis, double p99Millis, long socketErrors,
                  long non2xx) {
    }

    /**
     * Fails with a clear message when wrk is not installed.
     *
     * @throws IllegalStateException saying how to install it
     */
    static void checkInstalled() {
        try {
            Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("wrk is not installed (Debian: apt-get install -y wrk): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Runs wrk against {@code url} for {@code seconds} and parses its report. */
    static Result run(String url, int threads, int connections, int seconds) throws IOException, InterruptedException {
        List<String> cmd = List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency", url);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk did not end: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("wrk failed (exit " + p.exitValue() + "): " + cmd + "\n" + out);
        }
        return parse(out);
    }

    /** Reads wrk's report; throws if it lacks a figure. */
    static Result parse(String out) {
        Matcher req = find(REQUESTS, out);
        Matcher rate = find(RATE, out);
        Matcher p50 = find(P50, out);
        Matcher p90 = find(P90, out);
        Matcher p99 = find(P99, out);
        long errors = 0;
        Matcher e = SOCKET_ERRORS.matcher(out);
        if (e.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(e.group(g));
            }
        }
        Matcher bad = NON_2XX.matcher(out);
        long non2xx = bad.find() ? Long.parseLong(bad.group(1)) : 0;
        return new Result(Long.parseLong(req.group(1)), Double.parseDouble(rate.group(1)),
                millis(p50.group(1), p50.group(2)), millis(p90.group(1), p90.group(2)), millis(p99.group(1), p99.group(2)),
                errors, non2xx);
    }

    private static Matcher find(Pattern p, String out) {
        Matcher m = p.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("cannot read " + p + " in wrk's report:\n" + out);
        }
        return m;
    }

    private static double millis(String value, String unit) {
        double v = Double.parseDouble(value);
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "us" -> v / 1000;
            case "ms" -> v;
            case "s" -> v * 1000;
            case "m" -> v * 60_000;
            default -> throw new IllegalArgumentException("unknown unit " + unit);
        };
    }
}
