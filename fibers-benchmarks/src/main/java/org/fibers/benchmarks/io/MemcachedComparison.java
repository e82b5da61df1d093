package org.fibers.benchmarks.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fibers.benchmarks.core.ChildJvm;
import org.fibers.examples.memcached.MemcachedClient;
import org.fibers.examples.memcached.MemcachedServer;
import org.fibers.examples.memcached.ServerOptions;
import org.fibers.io.FiberServerSocket;

/**
 * Issue 24's benchmark: our memcached example, with each of its two store designs
 * ({@code --store locks}, the default, and {@code --store owners}), against the C memcached
 * ({@code memcached -t 2}, the same {@code -m 64}), all three started as child processes beside each other, under the same
 * two loads taking turns (the order rotates every round): Guile's {@code memcached-client N M}
 * (default 1000 x 100, a child JVM) and {@code memcaslap -T 2 -c 16 -t Ts} (its default mix,
 * 90% gets). Each load reports operations per second; each server's CPU time (user + system,
 * from /proc/pid/stat via {@link ProcessHandle.Info#totalCpuDuration()}) gives CPU seconds per
 * million operations. Ratios are medians of the per-round ratios, ours over theirs.
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
 * {@code libmemcached-tools}); CLASSPATH as for {@link PingComparison}.
 */
public final class MemcachedComparison {
    private static final Pattern LISTENING = Pattern.compile("listening on \\S*:(\\d+)");
    private static final Pattern GUILE = Pattern.compile("(\\d+) operations in ([0-9.]+) s, ([0-9.]+) operations/s");
    private static final Pattern CASLAP = Pattern.compile("Run time: [0-9.]+s Ops: (\\d+) TPS: (\\d+)");

    private MemcachedComparison() {
    }

    /** One load run against one server: operations, their rate, the server's CPU for them. */
    record Run(long ops, double opsPerSecond, long cpuNanos) {
        double cpuPerMillion() {
            return cpuNanos / 1e9 / (ops / 1e6);
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
        for (String tool : List.of("/usr/bin/memcached", "/usr/bin/memcaslap")) {
            if (!Files.isExecutable(Path.of(tool))) {
                System.err.println(tool + " is missing: apt-get install -y memcached libmemcached-tools");
                System.exit(2);
            }
        }
        Process ours = ourServer("locks");
        Process owners = ourServer("owners");
        int theirPort = freePort();
        Process theirs = startC(theirPort, "-t", "2");
        Process[] procs = {ours, owners, theirs};
        int[] ports = {portOf(ours), portOf(owners), theirPort};
        try {
            // warm-up: a full client run and a memcaslap run on each
            for (int port : ports) {
                guile(port, n, m, null);
                caslap(port, seconds, null);
            }
            List<Run[]> guile = new ArrayList<>();
            List<Run[]> caslap = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                Run[] g = new Run[3];
                Run[] c = new Run[3];
                for (int i = 0; i < 3; i++) {
                    int who = (i + r) % 3; // the order rotates every round
                    g[who] = guile(ports[who], n, m, procs[who]);
                    c[who] = caslap(ports[who], seconds, procs[who]);
                }
                System.out.printf(Locale.ROOT, "round %d: memcached-client locks %.0f ops/s, owners %.0f, C %.0f;"
                        + " memcaslap locks %.0f ops/s, owners %.0f, C %.0f%n", r + 1, g[0].opsPerSecond, g[1].opsPerSecond,
                        g[2].opsPerSecond, c[0].opsPerSecond, c[1].opsPerSecond, c[2].opsPerSecond);
                guile.add(g);
                caslap.add(c);
            }
            double ourHeap = ourHeapPerItem(items);
            double theirRss = theirRssPerItem(items);
            System.out.println();
            System.out.printf(Locale.ROOT, "%d rounds, servers taking turns; %d cores shared with whatever else runs (load average %.1f)%n",
                    rounds, Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.println("| load | server | ops/s | ops/s ratio to C (target >= 0.7) | server CPU s/1M ops | CPU ratio to C (target <= 1.5) |");
            System.out.println("|---|---|---|---|---|---|");
            rows("memcached-client " + n + " " + m, guile);
            rows("memcaslap -T 2 -c 16 -t " + seconds + "s", caslap);
            System.out.printf(Locale.ROOT, "%nmemory for %d items of 100 bytes: ours %.0f heap bytes per item, C memcached %.0f resident bytes per item (%.2fx)%n",
                    items, ourHeap, theirRss, ourHeap / theirRss);
        } finally {
            for (Process p : procs) {
                stop(p);
            }
        }
    }

    private static Process ourServer(String store) throws IOException {
        return ChildJvm.of(List.of(MemcachedServer.class.getName(), "--port", "0", "-m", "64", "--parallelism", "2",
                "--store", store)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static final String[] NAMES = {"ours, --store locks", "ours, --store owners", "C memcached 1.6 -t 2"};

    private static void rows(String load, List<Run[]> runs) {
        for (int who = 0; who < 3; who++) {
            int w = who;
            double[] rate = runs.stream().mapToDouble(r -> r[w].opsPerSecond).toArray();
            double[] cpu = runs.stream().mapToDouble(r -> r[w].cpuPerMillion()).toArray();
            double[] rateRatio = runs.stream().mapToDouble(r -> r[w].opsPerSecond / r[2].opsPerSecond).toArray();
            double[] cpuRatio = runs.stream().mapToDouble(r -> r[w].cpuPerMillion() / r[2].cpuPerMillion()).toArray();
            System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.2fx | %.2f | %.2fx |%n", load, NAMES[who],
                    median(rate), median(rateRatio), median(cpu), median(cpuRatio));
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static Run guile(int port, int n, int m, Process server) throws Exception {
        long cpu0 = server == null ? 0 : cpu(server);
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
        return new Run(Long.parseLong(mt.group(1)), Double.parseDouble(mt.group(3)), server == null ? 0 : cpu(server) - cpu0);
    }

    private static Run caslap(int port, int seconds, Process server) throws Exception {
        long cpu0 = server == null ? 0 : cpu(server);
        Process p = new ProcessBuilder("/usr/bin/memcaslap", "-s", "127.0.0.1:" + port, "-T", "2", "-c", "16", "-t", seconds + "s")
                .redirectErrorStream(true).start();
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
        return new Run(Long.parseLong(ops), Double.parseDouble(tps), server == null ? 0 : cpu(server) - cpu0);
    }

    private static long cpu(Process p) {
        return p.toHandle().info().totalCpuDuration().map(Duration::toNanos)
                .orElseThrow(() -> new IllegalStateException("no CPU time for pid " + p.pid()));
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
        int port = freePort();
        Process p = startC(port, "-t", "2");
        try {
            fill(port, 1000);
            long before = rss(p);
            fill(port, items + 1000);
            return (double) (rss(p) - before) / items;
        } finally {
            stop(p);
        }
    }

    private static long rss(Process p) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for pid " + p.pid());
    }

    private static Process startC(int port, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/memcached", "-l", "127.0.0.1", "-p", String.valueOf(port), "-U", "0", "-m", "64"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("-u", "root"));
        }
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return p;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("memcached did not listen on " + port);
    }

    private static int portOf(Process p) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            Matcher mt = LISTENING.matcher(line);
            if (mt.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // discard, so the child never blocks on a full pipe
                        }
                    } catch (IOException gone) {
                        // child exited
                    }
                }, "drain");
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(mt.group(1));
            }
        }
        throw new IOException("our memcached server exited before saying its port");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }
}
