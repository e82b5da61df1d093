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
    record Row(String server, int count, double openSeconds, double waveSeconds, ServerProcess.Stats before,
               ServerProcess.Stats after) {
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

        List<Row> rows = new ArrayList<>();
        for (int c : counts) {
            for (String s : servers) { // servers take turns at each count
                Row r = measure(s, c, sources);
                rows.add(r);
                System.out.printf(Locale.ROOT, "  %-7s C=%-6d open %.2f s, wave %.3f s, RSS %+.0f B/conn, heap %+.0f B/conn, native %+.0f B/conn%n",
                        s, c, r.openSeconds, r.waveSeconds, r.per(ServerProcess.Stats::rss), r.per(ServerProcess.Stats::heap),
                        r.per(ServerProcess.Stats::direct));
            }
        }
        printTable(rows, servers, counts);
        if (churn > 0 && servers.contains("fibers")) {
            churn(churn, sources);
        }
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
                Matcher w = client.expect(WAVE);
                if (Integer.parseInt(w.group(1)) != count) {
                    throw new IOException("wave answered " + w.group(1) + " of " + count);
                }
                Thread.sleep(500); // idle again, after one ping each
                ServerProcess.Stats after = server.stats(true);
                if (after.fds() - before.fds() < count) {
                    throw new IOException(name + " holds " + (after.fds() - before.fds()) + " descriptors for " + count + " connections");
                }
                return new Row(name, count, open, Double.parseDouble(w.group(2)), before, after);
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

    private static void printTable(List<Row> rows, List<String> servers, List<Integer> counts) {
        System.out.println();
        System.out.println("server        C   open s   wave s   RSS B/conn   heap B/conn   native B/conn");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-7s %7d %8.2f %8.3f %12.0f %13.0f %15.0f%n", r.server, r.count, r.openSeconds,
                    r.waveSeconds, r.per(ServerProcess.Stats::rss), r.per(ServerProcess.Stats::heap), r.per(ServerProcess.Stats::direct));
        }
        if (counts.size() < 2) {
            System.out.println("(one count: per-connection figures include the fixed part; give several counts for a slope)");
            return;
        }
        System.out.println();
        System.out.println("slope (least squares over C)   RSS B/conn   heap B/conn   native B/conn");
        Map<String, Double> rssSlope = new LinkedHashMap<>();
        for (String s : servers) {
            List<Row> mine = rows.stream().filter(r -> r.server.equals(s)).toList();
            double rss = slope(mine, ServerProcess.Stats::rss);
            rssSlope.put(s, rss);
            System.out.printf(Locale.ROOT, "%-30s %12.0f %13.0f %15.0f%n", s, rss, slope(mine, ServerProcess.Stats::heap),
                    slope(mine, ServerProcess.Stats::direct));
        }
        Double ours = rssSlope.get("fibers");
        Double netty = rssSlope.get("netty");
        Double jdk = rssSlope.get("jdk-vt");
        if (ours != null && netty != null && jdk != null) {
            System.out.printf(Locale.ROOT, "targets: RSS/conn <= netty + 1 KiB (%.0f <= %.0f): %s; RSS/conn <= jdk-vt / 2 (%.0f <= %.0f): %s%n",
                    ours, netty + 1024, ours <= netty + 1024 ? "met" : "MISSED", ours, jdk / 2, ours <= jdk / 2 ? "met" : "MISSED");
        }
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

    private static void churn(int cycles, int sources) throws Exception {
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
