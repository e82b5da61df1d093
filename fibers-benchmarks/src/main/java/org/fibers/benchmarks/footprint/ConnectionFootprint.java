package org.fibers.benchmarks.footprint;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fibers.benchmarks.io.JdkPingServer;
import org.fibers.benchmarks.io.NettyPingServer;
import org.fibers.benchmarks.report.Results;

/**
 * Issue 26's benchmark: what an idle connection costs a server, and whether churn leaves anything
 * behind. For each count C and each server (our ping server, the JDK-socket virtual-thread server
 * and the Netty epoll echo server of PingComparison), a fresh server JVM is started, a client JVM
 * ({@link FootprintClient}) opens C idle connections from several 127.0.0.x source addresses,
 * waits, sends one ping on every connection and checks every echo. Before that, 20,000
 * connect/ping/close cycles warm each server up, so that its connection path runs compiled (a
 * fiber parked in interpreted frames keeps a larger stack). The server's resident memory
 * (VmRSS), heap after a full GC and native I/O memory are read before and after (by
 * {@link FootprintServer}, inside the server JVM) and divided by C; with several counts, the
 * least-squares slope over C is the cost per connection. Then a churn of N connect/ping/close
 * cycles against our server shows its native buffer memory and open descriptors back where they
 * started, with no GC forced. Server JVMs run with a fixed 512 MiB heap ({@code -Xms512m
 * -Xmx512m}), so that a full GC does not hand memory back between two readings.
 *
 * <pre>
 * java --add-opens=java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -cp CLASSPATH \
 *      org.fibers.benchmarks.footprint.ConnectionFootprint [C ...] [--servers fibers,jdk-vt,netty] [--churn N] [--sources S]
 * </pre>
 * Defaults: C = 1000 5000 19000, churn 200000 cycles (10 x the largest C when counts are given),
 * 32 source addresses. Each process needs C + ~100 descriptors.
 *
 * <p>With {@code -Dfibers.report.json=FILE} it writes its raw results there ({@link Results},
 * area "footprint"): per server and count the points {@code rss_bytes}, {@code heap_bytes} and
 * {@code direct_bytes} (growth with C idle connections open, x = C) and the same divided by C
 * ({@code ..._per_conn}), and {@code open_s} and {@code wave_s}; per server the series
 * {@code rss_bytes_per_conn}, {@code heap_bytes_per_conn} and {@code direct_bytes_per_conn}
 * (the least-squares slope over the counts, or with one count the figure at that count: param
 * {@code per_conn}), and {@code open_us_per_conn} and {@code wave_us_per_conn} at the largest
 * count; ratios of the RSS slope to netty's and jdk-vt's; the churn's figures as params
 * ({@code churn_*}) and its time per cycle as a series; every target.
 */
public final class ConnectionFootprint {
    private static final Pattern OPENED = Pattern.compile("OPENED (\\d+) in ([0-9.]+) s");
    private static final Pattern WAVE = Pattern.compile("WAVE (\\d+) in ([0-9.]+) s");
    private static final Pattern WARM = Pattern.compile("^WARM$");
    private static final Pattern CHURNED = Pattern.compile("CHURNED (\\d+) in ([0-9.]+) s");
    private static final Map<String, List<String>> SERVERS = new LinkedHashMap<>();

    static {
        SERVERS.put("fibers", List.of("org.fibers.examples.ping.PingServer", "0"));
        SERVERS.put("jdk-vt", List.of(JdkPingServer.class.getName(), "0"));
        SERVERS.put("netty", List.of(NettyPingServer.class.getName(), "0"));
    }

    private ConnectionFootprint() {
    }

    /** One server at one count: times, and memory per connection in bytes. */
    record Row(String server, int count, double openSeconds, double waveSeconds, boolean waveComplete,
               ServerProcess.Stats before, ServerProcess.Stats after) {
        double per(java.util.function.ToLongFunction<ServerProcess.Stats> f) {
            return (double) (f.applyAsLong(after) - f.applyAsLong(before)) / count;
        }
    }

    /** Runs as the class comment describes. */
    public static void main(String[] args) throws Exception {
        List<Integer> counts = new ArrayList<>();
        List<String> servers = new ArrayList<>(SERVERS.keySet());
        int churn = -1;
        int sources = 32;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--servers" -> servers = Arrays.asList(args[++i].split(","));
                case "--churn" -> churn = Integer.parseInt(args[++i]);
                case "--sources" -> sources = Integer.parseInt(args[++i]);
                default -> counts.add(Integer.parseInt(args[i]));
            }
        }
        for (String s : servers) {
            if (!SERVERS.containsKey(s)) {
                System.err.println("unknown server " + s + "; known: " + SERVERS.keySet());
                System.exit(2);
            }
        }
        if (counts.isEmpty()) {
            counts = List.of(1000, 5000, 19000);
            churn = churn < 0 ? 200_000 : churn;
        } else if (churn < 0) {
            churn = 10 * counts.stream().mapToInt(Integer::intValue).max().orElse(0);
        }
        System.out.printf(Locale.ROOT, "connection footprint: C = %s against %s, %d source addresses; churn %d cycles; %d cores%n",
                counts, servers, sources, churn, Runtime.getRuntime().availableProcessors());
        Results report = Results.forArea("footprint", "Footprint: server memory per idle connection, and churn",
                "ConnectionFootprint " + String.join(" ", args));
        report.param("counts", counts.toString()).param("servers", String.join(",", servers)).param("churn", churn)
                .param("sources", sources).param("ours", "fibers")
                .param("per_conn", counts.size() < 2 ? "at the one count" : "least-squares slope over the counts");
        try {
            run(counts, servers, churn, sources, report);
        } finally {
            report.write(); // also after a failure: what was recorded
        }
    }

    private static void run(List<Integer> counts, List<String> servers, int churn, int sources, Results report)
            throws Exception {

        List<Row> rows = new ArrayList<>();
        for (int c : counts) {
            for (String s : servers) { // servers take turns at each count
                Row r = measure(s, c, sources);
                rows.add(r);
                System.out.printf(Locale.ROOT, "  %-7s C=%-6d open %.2f s, wave %.3f s, RSS %+.0f B/conn, heap %+.0f B/conn, native %+.0f B/conn%n",
                        s, c, r.openSeconds, r.waveSeconds, r.per(ServerProcess.Stats::rss), r.per(ServerProcess.Stats::heap),
                        r.per(ServerProcess.Stats::direct));
                record(report, r);
            }
        }
        printTable(rows, servers, counts, report);
        if (churn > 0 && servers.contains("fibers")) {
            churn(churn, sources, report);
        }
    }

    /** The points of one row: growth in bytes and per connection, and the two times. */
    private static void record(Results report, Row r) {
        report.point(r.server, "rss_bytes", r.count, r.after.rss() - r.before.rss());
        report.point(r.server, "heap_bytes", r.count, r.after.heap() - r.before.heap());
        report.point(r.server, "direct_bytes", r.count, r.after.direct() - r.before.direct());
        report.point(r.server, "rss_bytes_per_conn", r.count, r.per(ServerProcess.Stats::rss));
        report.point(r.server, "heap_bytes_per_conn", r.count, r.per(ServerProcess.Stats::heap));
        report.point(r.server, "direct_bytes_per_conn", r.count, r.per(ServerProcess.Stats::direct));
        report.point(r.server, "open_s", r.count, r.openSeconds);
        report.point(r.server, "wave_s", r.count, r.waveSeconds);
    }

    private static Row measure(String name, int count, int sources) throws Exception {
        try (ServerProcess server = ServerProcess.server(SERVERS.get(name))) {
            int port = server.port();
            warmUp(port, sources);
            ServerProcess.Stats before = server.stats(true);
            try (ServerProcess client = ServerProcess.client(List.of(FootprintClient.class.getName(), "open",
                    String.valueOf(port), String.valueOf(count), String.valueOf(sources)))) {
                double open = Double.parseDouble(client.expect(OPENED).group(2));
                Thread.sleep(1000); // idle
                client.send("wave");
                double wave = Double.NaN;
                boolean complete;
                try {
                    Matcher w = client.expect(WAVE); // the client prints it only once every echo is checked
                    complete = Integer.parseInt(w.group(1)) == count;
                    wave = Double.parseDouble(w.group(2));
                } catch (IOException e) {
                    System.out.println("  " + name + " C=" + count + ": the ping wave failed: " + e.getMessage().lines().findFirst()
                            .orElse(""));
                    complete = false;
                }
                Thread.sleep(500); // idle again, after one ping each
                ServerProcess.Stats after = server.stats(true);
                if (complete && after.fds() - before.fds() < count) { // (a failed wave may have closed them)
                    throw new IOException(name + " holds " + (after.fds() - before.fds()) + " descriptors for " + count + " connections");
                }
                return new Row(name, count, open, wave, complete, before, after);
            }
        }
    }

    /** Cycles of connect/ping/close, so that the JIT has compiled the server's connection path. */
    private static final int WARM_UP_CYCLES = 20_000;

    private static void warmUp(int port, int sources) throws Exception {
        try (ServerProcess client = ServerProcess.client(List.of(FootprintClient.class.getName(), "churn",
                String.valueOf(port), "0", String.valueOf(sources), String.valueOf(WARM_UP_CYCLES)))) {
            client.expect(WARM);
            client.send("go");
            client.expect(CHURNED);
        }
    }

    private static void printTable(List<Row> rows, List<String> servers, List<Integer> counts, Results report) {
        System.out.println();
        System.out.println("server        C   open s   wave s   RSS B/conn   heap B/conn   native B/conn");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-7s %7d %8.2f %8.3f %12.0f %13.0f %15.0f%n", r.server, r.count, r.openSeconds,
                    r.waveSeconds, r.per(ServerProcess.Stats::rss), r.per(ServerProcess.Stats::heap), r.per(ServerProcess.Stats::direct));
        }
        int largest = counts.stream().mapToInt(Integer::intValue).max().orElse(0);
        for (String s : servers) {
            rows.stream().filter(r -> r.server.equals(s) && r.count == largest).findFirst().ifPresent(r -> {
                report.series(s, "open_us_per_conn", "us/conn", Results.Better.LOWER, new double[] {r.openSeconds * 1e6 / r.count});
                report.series(s, "wave_us_per_conn", "us/conn", Results.Better.LOWER, new double[] {r.waveSeconds * 1e6 / r.count});
            });
            List<Row> mine = rows.stream().filter(r -> r.server.equals(s)).toList();
            boolean complete = !mine.isEmpty() && mine.stream().allMatch(Row::waveComplete);
            String text = "ping wave complete (" + s + ")";
            report.target(text, s, null, "wave_complete", true, 1, complete ? 1 : 0);
            System.out.printf(Locale.ROOT, "target %s: %s%n", text, complete ? "met" : "MISSED");
        }
        if (counts.size() < 2) {
            System.out.println("(one count: per-connection figures include the fixed part; give several counts for a slope)");
            for (String s : servers) {
                Row r = rows.stream().filter(x -> x.server.equals(s)).findFirst().orElseThrow();
                recordPerConn(report, s, r.per(ServerProcess.Stats::rss), r.per(ServerProcess.Stats::heap),
                        r.per(ServerProcess.Stats::direct));
            }
            rssTargets(report, null, null, null);
            return;
        }
        System.out.println();
        System.out.println("slope (least squares over C)   RSS B/conn   heap B/conn   native B/conn");
        Map<String, Double> rssSlope = new LinkedHashMap<>();
        for (String s : servers) {
            List<Row> mine = rows.stream().filter(r -> r.server.equals(s)).toList();
            double rss = slope(mine, ServerProcess.Stats::rss);
            rssSlope.put(s, rss);
            double heap = slope(mine, ServerProcess.Stats::heap);
            double direct = slope(mine, ServerProcess.Stats::direct);
            System.out.printf(Locale.ROOT, "%-30s %12.0f %13.0f %15.0f%n", s, rss, heap, direct);
            recordPerConn(report, s, rss, heap, direct);
        }
        Double ours = rssSlope.get("fibers");
        Double netty = rssSlope.get("netty");
        Double jdk = rssSlope.get("jdk-vt");
        if (ours != null && netty != null && jdk != null) {
            System.out.printf(Locale.ROOT, "targets: RSS/conn <= netty + 1 KiB (%.0f <= %.0f): %s; RSS/conn <= jdk-vt / 2 (%.0f <= %.0f): %s%n",
                    ours, netty + 1024, ours <= netty + 1024 ? "met" : "MISSED", ours, jdk / 2, ours <= jdk / 2 ? "met" : "MISSED");
        }
        rssTargets(report, ours, netty, jdk);
        for (String peer : List.of("netty", "jdk-vt")) {
            if (ours != null && rssSlope.containsKey(peer)) {
                report.ratio("fibers", peer, "rss_bytes_per_conn", new double[] {ours / rssSlope.get(peer)});
            }
        }
    }

    private static void recordPerConn(Results report, String server, double rss, double heap, double direct) {
        report.series(server, "rss_bytes_per_conn", "RSS B/conn", Results.Better.LOWER, new double[] {rss});
        report.series(server, "heap_bytes_per_conn", "heap B/conn", Results.Better.LOWER, new double[] {heap});
        report.series(server, "direct_bytes_per_conn", "native B/conn", Results.Better.LOWER, new double[] {direct});
    }

    /** Records the two RSS-slope targets: measured when all three slopes are there, otherwise not measured. */
    private static void rssTargets(Results report, Double ours, Double netty, Double jdk) {
        boolean measured = ours != null && netty != null && jdk != null;
        report.target("fibers RSS/conn <= netty's + 1 KiB", "fibers", "netty", "rss_bytes_per_conn", false,
                measured ? netty + 1024 : Double.NaN, measured ? ours : Double.NaN);
        report.target("fibers RSS/conn <= jdk-vt's / 2", "fibers", "jdk-vt", "rss_bytes_per_conn", false,
                measured ? jdk / 2 : Double.NaN, measured ? ours : Double.NaN);
    }

    /** Least-squares slope of (after - before) over C. */
    private static double slope(List<Row> rows, java.util.function.ToLongFunction<ServerProcess.Stats> f) {
        double n = rows.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (Row r : rows) {
            double x = r.count;
            double y = f.applyAsLong(r.after) - f.applyAsLong(r.before);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        double d = n * sxx - sx * sx;
        return d == 0 ? Double.NaN : (n * sxy - sx * sy) / d;
    }

    private static void churn(int cycles, int sources, Results report) throws Exception {
        try (ServerProcess server = ServerProcess.server(SERVERS.get("fibers"))) {
            int port = server.port();
            int warm = Math.max(100, Math.min(5000, cycles / 20));
            try (ServerProcess client = ServerProcess.client(List.of(FootprintClient.class.getName(), "churn",
                    String.valueOf(port), String.valueOf(cycles), String.valueOf(sources), String.valueOf(warm)))) {
                client.expect(WARM);
                ServerProcess.Stats start = settled(server, -1);
                client.send("go");
                double seconds = Double.parseDouble(client.expect(CHURNED).group(2));
                ServerProcess.Stats end = settled(server, start.fds());
                // The pool keeps a few free buffers (at most 16 per stripe) whose number wobbles with
                // which stripe a buffer goes back to; what must come back is the memory in use.
                long inUse0 = start.direct() - start.fibersPooled();
                long inUse1 = end.direct() - end.fibersPooled();
                boolean directOk = inUse1 <= inUse0 * 1.01;
                boolean fdsOk = end.fds() <= Math.ceil(start.fds() * 1.01);
                System.out.println();
                System.out.printf(Locale.ROOT, "churn: %d connect/ping/close cycles against fibers in %.2f s (%.1f us each) after %d warm-up cycles%n",
                        cycles, seconds, seconds * 1e6 / cycles, warm);
                System.out.printf(Locale.ROOT, "  native memory in use %d -> %d B (buffers held by sockets %d -> %d B; kept free by the pool %d -> %d B),"
                                + " open fds %d -> %d, RSS %d -> %d KiB, %d GCs during the churn (none forced)%n",
                        inUse0, inUse1, start.fibersHeld(), end.fibersHeld(), start.fibersPooled(), end.fibersPooled(),
                        start.fds(), end.fds(), start.rss() / 1024, end.rss() / 1024, end.gcs() - start.gcs());
                System.out.printf(Locale.ROOT, "targets: native memory back within 1%%: %s; fds back within 1%%: %s%n",
                        directOk ? "met" : "MISSED", fdsOk ? "met" : "MISSED");
                report.param("churn_cycles", cycles).param("churn_warmup_cycles", warm).param("churn_seconds", seconds)
                        .param("churn_direct_in_use_before", inUse0).param("churn_direct_in_use_after", inUse1)
                        .param("churn_fds_before", start.fds()).param("churn_fds_after", end.fds())
                        .param("churn_rss_before", start.rss()).param("churn_rss_after", end.rss())
                        .param("churn_gcs", end.gcs() - start.gcs());
                report.series("fibers", "churn_us_per_cycle", "us/cycle", Results.Better.LOWER, new double[] {seconds * 1e6 / cycles});
                report.target("native memory back within 1% after the churn", "fibers", null, "churn_direct_in_use_bytes", false,
                        inUse0 * 1.01, inUse1);
                report.target("fds back within 1% after the churn", "fibers", null, "churn_fds", false,
                        Math.ceil(start.fds() * 1.01), end.fds());
            }
        }
    }

    /** Stats without a GC, once the server's descriptor count is at most {@code fds} (or after 10 s). */
    private static ServerProcess.Stats settled(ServerProcess server, long fds) throws Exception {
        ServerProcess.Stats s = server.stats(false);
        for (int i = 0; i < 100 && fds >= 0 && s.fds() > fds; i++) {
            Thread.sleep(100); // the last connections' fibers are still closing
            s = server.stats(false);
        }
        return s;
    }
}
