package org.fibers.benchmarks.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.fibers.benchmarks.report.Results;
import org.fibers.benchmarks.web.ServerProcess.Measurement;

/**
 * Issue 29's web benchmark in one command: {@code wrk -t2 -c100 -d10s --latency} on a hello
 * handler against {@code FiberWebServer} ("fibers"), our {@code com.sun.net.httpserver} provider
 * ("fibers-jdk-provider"), the JDK's own {@code HttpServer} on a virtual-thread-per-task
 * executor ("jdk-vt"), Helidon SE 4 ("helidon") and Netty's HTTP codec on native epoll
 * ("netty"). Each server runs in its own JVM, is checked with one request, warmed up with one
 * wrk run, then measured in rounds in which the servers take turns (each round starting with
 * the next server, so no server is always first). The markdown table shows medians over rounds
 * of requests per second, p50 and p99 latency (wrk's), server CPU seconds per million requests
 * (user + system, from /proc/PID/stat), and, against Netty, the median of the per-round ratios:
 * one round's runs share the machine's drift, which a ratio of medians would not cancel. wrk
 * shares the cores with the server, so CPU per request is the steadier figure.
 *
 * <p>The "fibers-jdk-provider" slot runs {@link JdkHello} (an unmodified
 * {@code com.sun.net.httpserver} application with no executor: the provider runs handlers
 * where it likes) with {@code -Dcom.sun.net.httpserver.HttpServerProvider=}{@value #PROVIDER};
 * without that class on the class path it is skipped with a "not available" line. "jdk-vt"
 * names the JDK's own provider the same way, so a provider registered as a service on the
 * class path cannot take its place.
 *
 * <pre>
 * java --add-opens=java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -cp CLASSPATH \
 *      org.fibers.benchmarks.web.WebComparison [--rounds 5] [--duration 10] [--warmup 15] \
 *      [--threads 2] [--connections 100] [--servers fibers,fibers-jdk-provider,jdk-vt,helidon,netty] [--quick]
 * </pre>
 * {@code --quick} is 1 round of 2 s after a 3 s warm-up (a smoke run; its figures mean little).
 *
 * <p>With {@code -Dfibers.report.json=FILE} it also writes its raw results there ({@link Results},
 * area "web"): per server and round req_per_s, cpu_s_per_1m_req, p50_ms, p90_ms and p99_ms, the
 * per-round ratios the table prints, and every target. A server that cannot run (wrk missing, the
 * provider not on the class path, a server that fails to start) is recorded as skipped, and the
 * command still exits 0 when the file is named; run by hand without it, a missing wrk exits 2.
 */
public final class WebComparison {
    /** Our HttpServerProvider (fibers-web, package org.fibers.web.jdk). */
    static final String PROVIDER = "org.fibers.web.jdk.FiberHttpServerProvider";
    private static final String JDK_PROVIDER = "sun.net.httpserver.DefaultHttpServerProvider";
    private static final String PROVIDER_PROPERTY = "-Dcom.sun.net.httpserver.HttpServerProvider=";

    /** How to start one server, and the substring its SERVING line must hold. */
    private record Spec(List<String> jvmFlags, List<String> mainAndArgs, String serving) {
    }

    private static final Map<String, Spec> SERVERS = new LinkedHashMap<>();

    static {
        SERVERS.put("fibers", new Spec(List.of(), List.of(FiberHello.class.getName(), "0"), "FiberWebServer"));
        SERVERS.put("fibers-jdk-provider", new Spec(List.of(PROVIDER_PROPERTY + PROVIDER),
                List.of(JdkHello.class.getName(), "0", "none"), PROVIDER));
        SERVERS.put("jdk-vt", new Spec(List.of(PROVIDER_PROPERTY + JDK_PROVIDER),
                List.of(JdkHello.class.getName(), "0", "vt"), JDK_PROVIDER));
        SERVERS.put("helidon", new Spec(List.of(), List.of(HelidonHello.class.getName(), "0"), "Helidon"));
        SERVERS.put("netty", new Spec(List.of(), List.of(NettyHello.class.getName(), "0"), "Netty"));
    }

    private WebComparison() {
    }

    /** Runs the comparison; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        int rounds = 5;
        int duration = 10;
        int warmup = 15;
        int threads = 2;
        int connections = 100;
        List<String> names = new ArrayList<>(SERVERS.keySet());
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--duration" -> duration = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--servers" -> names = Arrays.asList(args[++i].split(","));
                case "--quick" -> {
                    rounds = 1;
                    duration = 2;
                    warmup = 3;
                }
                default -> {
                    System.err.println("usage: WebComparison [--rounds R] [--duration S] [--warmup S] [--threads T]"
                            + " [--connections C] [--servers " + String.join(",", SERVERS.keySet()) + "] [--quick]");
                    System.exit(2);
                }
            }
        }
        for (String name : names) {
            if (!SERVERS.containsKey(name)) {
                throw new IllegalArgumentException("unknown server " + name + "; known: " + SERVERS.keySet());
            }
        }
        if (rounds < 1 || duration < 1 || warmup < 0) {
            throw new IllegalArgumentException("need rounds >= 1, duration >= 1 s, warm-up >= 0 s");
        }
        Results report = Results.forArea("web", "Web: hello over HTTP/1.1 against the JDK server, Helidon and Netty",
                "WebComparison " + String.join(" ", args));
        report.param("rounds", rounds).param("duration_s", duration).param("warmup_s", warmup).param("threads", threads)
                .param("connections", connections).param("servers", String.join(",", names)).param("ours", "fibers");
        try {
            Wrk.checkInstalled();
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            for (String name : names) {
                report.skipped(name, "wrk is not installed (Debian: apt-get install -y wrk)");
            }
            targets(report, Map.of());
            report.write();
            System.exit(report.enabled() ? 0 : 2);
        }
        System.out.printf(Locale.ROOT, "wrk -t%d -c%d -d%ds --latency against %s; warm-up %d s each; %d rounds%n",
                threads, connections, duration, names, warmup, rounds);
        System.out.printf(Locale.ROOT, "machine: %s; %d cores; JDK %s; load average %.2f%n", cpuModel(),
                Runtime.getRuntime().availableProcessors(), Runtime.version(), loadAverage());

        Map<String, ServerProcess> running = new LinkedHashMap<>();
        try {
            for (String name : names) {
                if (PROVIDER.equals(SERVERS.get(name).serving) && !onClassPath(PROVIDER)) {
                    System.out.println("  " + name + ": not available (" + PROVIDER + " is not on the class path)");
                    report.skipped(name, PROVIDER + " is not on the class path");
                    continue;
                }
                try {
                    running.put(name, startChecked(name));
                } catch (IOException | RuntimeException e) {
                    System.out.println("  " + name + ": failed to start (" + e.getMessage() + ")");
                    report.skipped(name, "failed to start: " + e.getMessage());
                }
            }
            for (ServerProcess s : running.values()) {
                if (warmup > 0) {
                    System.out.printf(Locale.ROOT, "  warm-up %-20s %s%n", s.name, s.measure(threads, connections, warmup));
                }
            }
            List<ServerProcess> order = new ArrayList<>(running.values());
            Map<String, List<Measurement>> results = new LinkedHashMap<>();
            for (String name : running.keySet()) {
                results.put(name, new ArrayList<>());
            }
            for (int r = 0; r < rounds; r++) {
                Measurement[] round = new Measurement[order.size()];
                for (int k = 0; k < order.size(); k++) {
                    int i = (r + k) % order.size(); // each round starts with the next server
                    ServerProcess s = order.get(i);
                    round[i] = s.measure(threads, connections, duration);
                    System.out.printf(Locale.ROOT, "  round %d %-20s %s%n", r + 1, s.name, round[i]);
                }
                for (int i = 0; i < order.size(); i++) {
                    results.get(order.get(i).name).add(round[i]);
                }
            }
            printTable(results, rounds, threads, connections, duration, report);
        } finally {
            for (ServerProcess s : running.values()) {
                s.stop();
            }
            report.write(); // also after a failure: what was recorded, and the skipped servers
        }
    }

    private static ServerProcess startChecked(String name) throws IOException, InterruptedException {
        Spec spec = SERVERS.get(name);
        ServerProcess s = ServerProcess.start(name, spec.jvmFlags, spec.mainAndArgs);
        try {
            if (!s.serving.contains(spec.serving)) {
                throw new IllegalStateException(name + " runs on " + s.serving + ", not " + spec.serving);
            }
            s.check();
        } catch (RuntimeException | IOException e) {
            s.stop();
            throw e;
        }
        System.out.printf("  %-20s %s, %s%n", name, s.serving, s.url());
        return s;
    }

    /** The metrics recorded per server and round: name, unit, which way is better, how to read it. */
    private record Metric(String name, String unit, Results.Better better, ToDoubleFunction<Measurement> read) {
    }

    private static final List<Metric> METRICS = List.of(
            new Metric("req_per_s", "req/s", Results.Better.HIGHER, Measurement::perSecond),
            new Metric("cpu_s_per_1m_req", "CPU s / 1M req", Results.Better.LOWER, Measurement::cpuPerMillion),
            new Metric("p50_ms", "ms", Results.Better.LOWER, m -> m.wrk().p50Millis()),
            new Metric("p90_ms", "ms", Results.Better.LOWER, m -> m.wrk().p90Millis()),
            new Metric("p99_ms", "ms", Results.Better.LOWER, m -> m.wrk().p99Millis()));

    private static void record(Results report, Map<String, List<Measurement>> results) {
        for (Map.Entry<String, List<Measurement>> e : results.entrySet()) {
            for (Metric m : METRICS) {
                report.series(e.getKey(), m.name, m.unit, m.better, e.getValue().stream().mapToDouble(m.read).toArray());
            }
        }
        List<String[]> pairs = new ArrayList<>();
        for (String server : results.keySet()) {
            pairs.add(new String[] {server, "netty"});
        }
        pairs.add(new String[] {"fibers", "helidon"});
        pairs.add(new String[] {"fibers-jdk-provider", "jdk-vt"});
        for (String[] pair : pairs) {
            List<Measurement> ours = results.get(pair[0]);
            List<Measurement> base = results.get(pair[1]);
            if (ours != null && base != null && !pair[0].equals(pair[1])) {
                for (Metric m : METRICS.subList(0, 2)) {
                    report.ratio(pair[0], pair[1], m.name, perRoundRatios(ours, base, m.read));
                }
            }
        }
    }

    private static void printTable(Map<String, List<Measurement>> results, int rounds, int threads, int connections,
                                   int duration, Results report) {
        record(report, results);
        List<Measurement> netty = results.get("netty");
        System.out.println();
        System.out.println("| server | req/s | p50 ms | p99 ms | server CPU s / 1M req | req/s vs netty | CPU/req vs netty |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, List<Measurement>> e : results.entrySet()) {
            List<Measurement> ms = e.getValue();
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %.2f | %s | %s |%n", e.getKey(),
                    median(ms, Measurement::perSecond), median(ms, m -> m.wrk().p50Millis()),
                    median(ms, m -> m.wrk().p99Millis()), median(ms, Measurement::cpuPerMillion),
                    ratio(ms, netty, Measurement::perSecond), ratio(ms, netty, Measurement::cpuPerMillion));
        }
        System.out.printf(Locale.ROOT, "%nmedians of %d rounds of wrk -t%d -c%d -d%ds --latency; \"vs netty\": median of the"
                + " per-round ratios; server CPU is user + system time from /proc/PID/stat%n", rounds, threads, connections,
                duration);
        long errors = 0;
        for (List<Measurement> ms : results.values()) {
            for (Measurement m : ms) {
                errors += m.wrk().socketErrors() + m.wrk().non2xx();
            }
        }
        if (errors > 0) {
            System.out.println("wrk reported " + errors + " socket errors or non-2xx answers in the rounds (see the round lines)");
        }
        targets(report, results);
    }

    /** Prints and records every target; those whose servers did not run as not measured. */
    private static void targets(Results report, Map<String, List<Measurement>> results) {
        List<Measurement> ours = results.get("fibers");
        List<Measurement> netty = results.get("netty");
        List<Measurement> helidon = results.get("helidon");
        List<Measurement> provider = results.get("fibers-jdk-provider");
        List<Measurement> jdk = results.get("jdk-vt");
        target(report, "fibers req/s >= 0.9x netty's", "fibers", "netty", "req_per_s", ours, netty, true, 0.9);
        target(report, "fibers CPU/req <= 1.15x netty's", "fibers", "netty", "cpu_s_per_1m_req", ours, netty, false, 1.15);
        target(report, "fibers req/s >= 1.1x helidon's", "fibers", "helidon", "req_per_s", ours, helidon, true, 1.1);
        target(report, "fibers-jdk-provider req/s >= 1.2x jdk-vt's", "fibers-jdk-provider", "jdk-vt", "req_per_s",
                provider, jdk, true, 1.2);
        target(report, "fibers-jdk-provider CPU/req <= 0.85x jdk-vt's", "fibers-jdk-provider", "jdk-vt", "cpu_s_per_1m_req",
                provider, jdk, false, 0.85);
    }

    /**
     * Prints and records one target on the median per-round ratio of a metric; when either side
     * did not run, it is printed as not measured and recorded with no measured value.
     */
    private static void target(Results report, String what, String scenario, String baseline, String metric,
                               List<Measurement> ours, List<Measurement> base, boolean atLeast, double bound) {
        if (ours == null || base == null) {
            System.out.printf(Locale.ROOT, "target %s: not measured (%s did not run)%n", what, ours == null ? scenario : baseline);
            report.target(what, scenario, baseline, metric, atLeast, bound, Double.NaN);
            return;
        }
        ToDoubleFunction<Measurement> f = METRICS.stream().filter(m -> m.name.equals(metric)).findFirst().orElseThrow().read;
        double ratio = medianRatio(ours, base, f);
        boolean met = report.target(what, scenario, baseline, metric, atLeast, bound, ratio);
        System.out.printf(Locale.ROOT, "target %s: %.2fx  %s%n", what, ratio, met ? "MET" : "MISSED");
    }

    private static String ratio(List<Measurement> ms, List<Measurement> base, ToDoubleFunction<Measurement> f) {
        double r = medianRatio(ms, base, f);
        return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.2fx", r);
    }

    /** Median over rounds of {@code f(ms[r]) / f(base[r])}; NaN without a base. */
    static double medianRatio(List<Measurement> ms, List<Measurement> base, ToDoubleFunction<Measurement> f) {
        if (base == null || base.isEmpty()) {
            return Double.NaN;
        }
        return median(perRoundRatios(ms, base, f));
    }

    /** {@code f(ms[r]) / f(base[r])} for each round r both have. */
    private static double[] perRoundRatios(List<Measurement> ms, List<Measurement> base, ToDoubleFunction<Measurement> f) {
        return Results.perRoundRatios(ms, base, f);
    }

    private static double median(List<Measurement> ms, ToDoubleFunction<Measurement> f) {
        return median(ms.stream().mapToDouble(f).toArray());
    }

    /** Median of {@code v}; NaN if empty. */
    static double median(double[] v) {
        return Results.medianOf(v);
    }

    private static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, WebComparison.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
