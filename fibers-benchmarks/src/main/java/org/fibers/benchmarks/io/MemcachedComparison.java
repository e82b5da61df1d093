package org.fibers.benchmarks.io;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fibers.benchmarks.core.ChildJvm;
import org.fibers.benchmarks.io.MemcachedPeers.Server;
import org.fibers.benchmarks.report.Results;
import org.fibers.examples.Latency;
import org.fibers.examples.memcached.MemcachedClient;
import org.fibers.examples.memcached.MemcachedServer;
import org.fibers.examples.memcached.ServerOptions;
import org.fibers.io.FiberServerSocket;

/**
 * Issue 24's benchmark: our memcached example, with each of its two store designs
 * ({@code --store locks}, the default, "fibers-locks", and {@code --store owners},
 * "fibers-owners"), against the C memcached ({@code memcached -t 2}, the same {@code -m 64},
 * "memcached-c"), all three started as child processes beside each other, under the same two
 * loads taking turns (the order rotates every round): Guile's {@code memcached-client N M}
 * (default 1000 x 100, a child JVM, which also prints its latency percentiles) and
 * {@code memcaslap -T 2 -c 16 -t Ts} (its default mix, 90% gets). Each load reports operations
 * per second; each server's CPU time (user + system, from /proc/pid/stat via
 * {@link ProcessHandle.Info#totalCpuDuration()}) gives CPU seconds per million operations.
 * Ratios are medians of the per-round ratios, ours over theirs.
 *
 * <p>Memory: {@code K} (default 100,000) items of 100 bytes stored through
 * {@link MemcachedClient}; for ours, a server run in this JVM and the heap in use after a full
 * GC, before and after; for the C server, the growth of its resident set (VmRSS).
 *
 * <pre>
 * java --add-opens=java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
 *      -cp CLASSPATH org.fibers.benchmarks.io.MemcachedComparison [N M] [--rounds R] [--seconds T] [--items K]
 * </pre>
 * Needs {@code /usr/bin/memcached} and {@code /usr/bin/memcaslap} (Debian's {@code memcached} and
 * {@code libmemcached-tools}); CLASSPATH as for {@link PingComparison}. Without them it exits 2,
 * unless {@code -Dfibers.report.json=FILE} is set: then it runs what it can, records what it
 * could not as skipped, and exits 0.
 *
 * <p>The raw results ({@link Results}, area "memcached") hold, per server and round, for the
 * memcached-client load {@code ops_per_s}, {@code cpu_s_per_1m_ops}, {@code p50_ms},
 * {@code p90_ms} and {@code p99_ms}, for memcaslap {@code memcaslap_ops_per_s} and
 * {@code memcaslap_cpu_s_per_1m_ops}; {@code bytes_per_item} (heap for ours, resident for C);
 * the ratios to memcached-c and the targets.
 */
public final class MemcachedComparison {
    /** Our server with its default store. */
    static final String LOCKS = "fibers-locks";
    /** Our server with the store whose shards are owned by fibers. */
    static final String OWNERS = "fibers-owners";
    /** Debian's C memcached. */
    static final String C = "memcached-c";
    /** The second load, named as a skipped scenario when its tool is missing. */
    static final String MEMCASLAP = "memcaslap";

    private static final Pattern GUILE = Pattern.compile("(\\d+) operations in ([0-9.]+) s, ([0-9.]+) operations/s");
    private static final Pattern CASLAP = Pattern.compile("Run time: [0-9.]+s Ops: (\\d+) TPS: (\\d+)");

    private MemcachedComparison() {
    }

    /** One load run against one server: operations, their rate, the server's CPU for them, latency if the load tells. */
    record Run(long ops, double opsPerSecond, long cpuNanos, Latency.Percentiles latency) {
        double cpuPerMillion() {
            return cpuNanos / 1e9 / (ops / 1e6);
        }

        double percentile(ToDoubleFunction<Latency.Percentiles> f) {
            return latency == null ? Double.NaN : f.applyAsDouble(latency);
        }
    }

    /** Runs the comparison and prints the table. */
    public static void main(String[] args) throws Exception {
        int n = 1000;
        int m = 100;
        int rounds = 5;
        int seconds = 5;
        int items = 100_000;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--items" -> items = Integer.parseInt(args[++i]);
                default -> positional.add(args[i]);
            }
        }
        if (positional.size() == 2) {
            n = Integer.parseInt(positional.get(0));
            m = Integer.parseInt(positional.get(1));
        }
        Results report = Results.forArea("memcached", "Memcached: our server against the C memcached",
                "MemcachedComparison " + String.join(" ", args));
        report.param("connections", n).param("pairs", m).param("rounds", rounds).param("memcaslap_seconds", seconds)
                .param("items", items).param("ours", LOCKS);
        boolean haveC = Files.isExecutable(MemcachedPeers.MEMCACHED);
        boolean haveCaslap = Files.isExecutable(MemcachedPeers.MEMCASLAP);
        if (!haveC || !haveCaslap) {
            System.err.println((haveC ? "" : MemcachedPeers.MEMCACHED + " is missing; ") + (haveCaslap ? "" : MemcachedPeers.MEMCASLAP
                    + " is missing; ") + "apt-get install -y memcached libmemcached-tools");
            if (!report.enabled()) {
                System.exit(2);
            }
            if (!haveC) {
                report.skipped(C, MemcachedPeers.MEMCACHED + " is missing (Debian: apt-get install -y memcached)");
            }
            if (!haveCaslap) {
                report.skipped(MEMCASLAP, MemcachedPeers.MEMCASLAP + " is missing (Debian: apt-get install -y libmemcached-tools)");
            }
        }
        Map<String, Server> servers = new LinkedHashMap<>();
        try {
            servers.put(LOCKS, MemcachedPeers.ours("locks"));
            servers.put(OWNERS, MemcachedPeers.ours("owners"));
            if (haveC) {
                try {
                    servers.put(C, MemcachedPeers.theirs());
                } catch (RuntimeException e) {
                    System.out.println(C + ": failed to start (" + e.getMessage() + ")");
                    report.skipped(C, "failed to start: " + e.getMessage());
                    haveC = false;
                }
            }
            // warm-up: a full client run and a memcaslap run on each
            for (Server s : servers.values()) {
                guile(s.port(), n, m, null);
                if (haveCaslap) {
                    caslap(s.port(), seconds, null);
                }
            }
            List<String> names = new ArrayList<>(servers.keySet());
            Map<String, List<Run>> guile = new LinkedHashMap<>();
            Map<String, List<Run>> caslap = new LinkedHashMap<>();
            for (String name : names) {
                guile.put(name, new ArrayList<>());
                caslap.put(name, new ArrayList<>());
            }
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < names.size(); i++) {
                    String who = names.get((i + r) % names.size()); // the order rotates every round
                    Server s = servers.get(who);
                    guile.get(who).add(guile(s.port(), n, m, s.process()));
                    if (haveCaslap) {
                        caslap.get(who).add(caslap(s.port(), seconds, s.process()));
                    }
                }
                StringBuilder line = new StringBuilder("round " + (r + 1) + ":");
                for (String who : names) {
                    Run g = guile.get(who).get(r);
                    line.append(String.format(Locale.ROOT, " %s memcached-client %.0f ops/s (p99 %.3f ms)", who, g.opsPerSecond,
                            g.percentile(Latency.Percentiles::p99Millis)));
                    if (haveCaslap) {
                        line.append(String.format(Locale.ROOT, ", memcaslap %.0f ops/s", caslap.get(who).get(r).opsPerSecond));
                    }
                    line.append(';');
                }
                System.out.println(line);
            }
            double ourHeap = ourHeapPerItem(items);
            double theirRss = haveC ? theirRssPerItem(items) : Double.NaN;
            System.out.println();
            System.out.printf(Locale.ROOT, "%d rounds, servers taking turns; %d cores shared with whatever else runs (load average %.1f)%n",
                    rounds, Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.println("servers: " + LOCKS + " = ours, --store locks; " + OWNERS + " = ours, --store owners; " + C
                    + " = C memcached 1.6 -t 2");
            System.out.println("| load | server | ops/s | ops/s ratio to C (target >= 0.7) | server CPU s/1M ops"
                    + " | CPU ratio to C (target <= 1.5) | p50 ms | p90 ms | p99 ms |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            MemcachedTable client = new MemcachedTable("memcached-client " + n + " " + m, "", guile, report);
            client.rows();
            MemcachedTable slap = new MemcachedTable("memcaslap -T 2 -c 16 -t " + seconds + "s", "memcaslap_", caslap, report);
            if (haveCaslap) {
                slap.rows();
            }
            System.out.printf(Locale.ROOT, "%nmemory for %d items of 100 bytes: ours %.0f heap bytes per item, C memcached %.0f resident"
                    + " bytes per item (%.2fx)%n", items, ourHeap, theirRss, ourHeap / theirRss);
            report.series(LOCKS, "bytes_per_item", "heap B/item", Results.Better.LOWER, new double[] {ourHeap});
            if (haveC) {
                report.series(C, "bytes_per_item", "RSS B/item", Results.Better.LOWER, new double[] {theirRss});
                report.ratio(LOCKS, C, "bytes_per_item", new double[] {ourHeap / theirRss});
            }
            System.out.println();
            client.targets();
            slap.targets();
        } finally {
            for (Server s : servers.values()) {
                MemcachedPeers.stop(s.process());
            }
            report.write(); // also after a failure: what was recorded, and what was skipped
        }
    }

    private static Run guile(int port, int n, int m, Process server) throws Exception {
        long cpu0 = server == null ? 0 : MemcachedPeers.cpu(server);
        Process client = ChildJvm.of(List.of("org.fibers.examples.memcached.GuileClient", String.valueOf(n), String.valueOf(m),
                "127.0.0.1:" + port)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!client.waitFor(10, TimeUnit.MINUTES) || client.exitValue() != 0) {
            throw new IllegalStateException("memcached-client against port " + port + " failed: " + out);
        }
        Matcher mt = GUILE.matcher(out);
        if (!mt.find()) {
            throw new IllegalStateException("cannot read memcached-client's result: " + out);
        }
        Latency.Percentiles latency = Latency.parse(out).orElseThrow(() ->
                new IllegalStateException("no latency line in memcached-client's output: " + out));
        return new Run(Long.parseLong(mt.group(1)), Double.parseDouble(mt.group(3)),
                server == null ? 0 : MemcachedPeers.cpu(server) - cpu0, latency);
    }

    private static Run caslap(int port, int seconds, Process server) throws Exception {
        long cpu0 = server == null ? 0 : MemcachedPeers.cpu(server);
        Process p = new ProcessBuilder(MemcachedPeers.MEMCASLAP.toString(), "-s", "127.0.0.1:" + port, "-T", "2", "-c", "16",
                "-t", seconds + "s").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("memcaslap against port " + port + " failed: " + out);
        }
        Matcher mt = CASLAP.matcher(out);
        String ops = null;
        String tps = null;
        while (mt.find()) { // the last "Run time" line is the whole run's
            ops = mt.group(1);
            tps = mt.group(2);
        }
        if (ops == null) {
            throw new IllegalStateException("cannot read memcaslap's result: " + out);
        }
        return new Run(Long.parseLong(ops), Double.parseDouble(tps), server == null ? 0 : MemcachedPeers.cpu(server) - cpu0, null);
    }

    private static void fill(int port, int items) {
        byte[] value = new byte[100];
        Arrays.fill(value, (byte) 'v');
        try (MemcachedClient c = new MemcachedClient(List.of(new InetSocketAddress("127.0.0.1", port)))) {
            for (int i = 0; i < items; i++) {
                c.set(String.format(Locale.ROOT, "item:%09d", i), 0, value);
            }
        }
    }

    /** Our server in this JVM: heap in use after a full GC, before and after storing the items. */
    private static double ourHeapPerItem(int items) throws Exception {
        CompletableFuture<FiberServerSocket> listening = new CompletableFuture<>();
        Thread t = new Thread(() -> MemcachedServer.run(ServerOptions.parse("--port", "0", "-m", "64", "--parallelism", "2"),
                listening::complete), "memcached-server-for-heap");
        t.start();
        FiberServerSocket socket = listening.get(10, TimeUnit.SECONDS);
        try {
            fill(socket.localPort(), 1000); // connections, classes and buffers in place first
            long before = heapAfterGc();
            fill(socket.localPort(), items + 1000);
            long after = heapAfterGc();
            return (double) (after - before) / items;
        } finally {
            socket.close();
            t.join(10_000);
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** A fresh C server: growth of its resident set per item. */
    private static double theirRssPerItem(int items) throws Exception {
        Server s = MemcachedPeers.theirs();
        try {
            fill(s.port(), 1000);
            long before = MemcachedPeers.rss(s.process());
            fill(s.port(), items + 1000);
            return (double) (MemcachedPeers.rss(s.process()) - before) / items;
        } finally {
            MemcachedPeers.stop(s.process());
        }
    }
}
