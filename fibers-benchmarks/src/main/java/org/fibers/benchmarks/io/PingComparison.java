package org.fibers.benchmarks.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fibers.benchmarks.core.ChildJvm;

/**
 * Issue 5's benchmark in one command: {@code PingClient N M} (default 1000 x 1000) against our
 * fibers ping server, the JDK virtual-thread server and the Netty epoll server, and against
 * {@link NettyLoomFloorServer} ("loom-floor"): Netty's echo plus one virtual-thread park and
 * unpark per read, run inline with no scheduler, the least any server that keeps a suspended
 * fiber per connection adds to Netty's event loop. Every server and
 * every client run is its own JVM, so the server's CPU time comes from the operating system
 * (user + system, via {@link ProcessHandle.Info#totalCpuDuration()}, i.e. /proc/pid/stat) and
 * is not mixed with the client's. Client and servers share the machine's cores, which is why
 * CPU per round trip matters more than round trips per second. The table also shows the
 * user-space part of that CPU time (its share from the utime and stime ticks of
 * /proc/pid/stat); the rest is kernel time, most of every server's CPU here, since the kernel
 * runs the loopback TCP path on the sender's CPU.
 *
 * <p>Each server is started once, warmed up with a client run of {@code W} requests per
 * connection (default: as many as a measured run), then measured in {@code rounds} interleaved
 * rounds; the table shows medians, and ratios as the median of the per-round ratios. The warm-up
 * is long because the JIT keeps compiling a server for its first 10-15 seconds of load on two
 * cores, and the compiler threads' CPU time counts as the server's: after a warm-up of a tenth
 * of a run they still took 2-7% of our server's samples in the measured rounds.
 *
 * <pre>
 * java --add-opens=java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
 *      -cp CLASSPATH org.fibers.benchmarks.io.PingComparison [N M] [--rounds R] [--warmup W] [--servers fibers,jdk-vt,netty,loom-floor]
 * </pre>
 * CLASSPATH must hold fibers-benchmarks and fibers-examples with their dependencies; the child
 * JVMs get the same class path and flags, run by the same {@code java}.
 */
public final class PingComparison {
    private static final Pattern PORT = Pattern.compile("(?:PORT |listening on \\S*:)(\\d+)");
    private static final Pattern CLIENT = Pattern.compile("round trips in ([0-9.]+) s, ([0-9.]+) round trips/s");

    /** Netty's echo plus one virtual-thread park/unpark per read: what a fiber per connection costs at least. */
    private static final String FLOOR = "loom-floor";

    /** The servers, by name: main class and extra arguments (port 0 = ephemeral). */
    private static final Map<String, List<String>> SERVERS = new LinkedHashMap<>();

    static {
        SERVERS.put("fibers", List.of("org.fibers.examples.ping.PingServer", "0"));
        SERVERS.put("jdk-vt", List.of(JdkPingServer.class.getName(), "0"));
        SERVERS.put("netty", List.of(NettyPingServer.class.getName(), "0"));
        SERVERS.put(FLOOR, List.of(NettyLoomFloorServer.class.getName(), "0"));
    }

    private PingComparison() {
    }

    public static void main(String[] args) throws Exception {
        int clients = 1000;
        int requests = 1000;
        int rounds = 3;
        int warmup = -1;
        List<String> servers = new ArrayList<>(SERVERS.keySet());
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--servers" -> servers = Arrays.asList(args[++i].split(","));
                default -> positional.add(args[i]);
            }
        }
        if (positional.size() == 2) {
            clients = Integer.parseInt(positional.get(0));
            requests = Integer.parseInt(positional.get(1));
        } else if (!positional.isEmpty()) {
            System.err.println("usage: PingComparison [N M] [--rounds R] [--warmup W] [--servers fibers,jdk-vt,netty,loom-floor]");
            System.exit(2);
        }
        checkOnClassPath("org.fibers.examples.ping.PingClient");
        if (warmup < 0) {
            warmup = requests;
        }

        System.out.printf(Locale.ROOT, "ping-client %d x %d against %s; warm-up %d x %d each; %d rounds; %d cores; load average %.2f%n",
                clients, requests, servers, clients, warmup, rounds, Runtime.getRuntime().availableProcessors(), loadAverage());
        Map<String, Server> running = new LinkedHashMap<>();
        try {
            for (String name : servers) {
                List<String> spec = SERVERS.get(name);
                if (spec == null) {
                    throw new IllegalArgumentException("unknown server " + name + "; known: " + SERVERS.keySet());
                }
                Server s = Server.start(name, spec);
                running.put(name, s);
                if (warmup > 0) {
                    Measurement warm = s.measure(clients, warmup);
                    System.out.printf(Locale.ROOT, "  warm-up %-10s %s%n", name, warm);
                }
            }
            Map<String, List<Measurement>> results = new LinkedHashMap<>();
            for (int r = 1; r <= rounds; r++) {
                for (Server s : running.values()) {
                    Measurement m = s.measure(clients, requests);
                    results.computeIfAbsent(s.name, k -> new ArrayList<>()).add(m);
                    System.out.printf(Locale.ROOT, "  round %d %-10s %s%n", r, s.name, m);
                }
            }
            printTable(results, clients, requests);
        } finally {
            for (Server s : running.values()) {
                s.stop();
            }
        }
    }

    /**
     * Medians per server, and ratios as the median of per-round ratios: the rounds interleave
     * the servers, so one round's runs share the machine's drift (on a shared VM the same
     * server's CPU per round trip moves by 30% between rounds), which a ratio of two medians
     * taken from different rounds would not cancel.
     */
    private static void printTable(Map<String, List<Measurement>> results, int clients, int requests) {
        System.out.println();
        System.out.printf("%-10s %14s %22s %14s %9s %10s %9s%n", "server", "round trips/s", "server CPU s / 1M RT",
                "of which user", "vs netty", "vs jdk-vt", "vs floor");
        List<Measurement> netty = results.get("netty");
        List<Measurement> jdk = results.get("jdk-vt");
        List<Measurement> floor = results.get(FLOOR);
        for (Map.Entry<String, List<Measurement>> e : results.entrySet()) {
            Measurement m = median(e.getValue());
            System.out.printf(Locale.ROOT, "%-10s %14.0f %22.2f %14s %9s %10s %9s%n", e.getKey(), m.roundTripsPerSecond,
                    m.cpuSecondsPerMillion(), formatSeconds(m.userSecondsPerMillion()),
                    format(cpuRatio(e.getValue(), netty)), format(cpuRatio(e.getValue(), jdk)),
                    format(cpuRatio(e.getValue(), floor)));
        }
        System.out.printf("(medians of %d rounds of %d x %d; \"of which user\": the user-space part of the median round's CPU,"
                + " the rest is kernel time, from /proc/PID/stat; \"vs\" columns: median of the per-round ratios of CPU"
                + " per round trip)%n",
                results.values().iterator().next().size(), clients, requests);
        List<Measurement> ours = results.get("fibers");
        if (ours != null && netty != null && jdk != null) {
            double vsNetty = cpuRatio(ours, netty);
            double vsJdk = cpuRatio(ours, jdk);
            double throughput = medianRatio(ours, netty, m -> m.roundTripsPerSecond);
            System.out.printf(Locale.ROOT, "targets: CPU/RT <= netty: %s (%.2fx); CPU/RT <= 0.85x jdk-vt: %s (%.2fx); throughput >= netty: %s (%.2fx)%n",
                    yes(vsNetty <= 1.0), vsNetty, yes(vsJdk <= 0.85), vsJdk, yes(throughput >= 1.0), throughput);
        }
        if (netty != null && floor != null) {
            double extraUser = medianDifference(floor, netty, Measurement::userSecondsPerMillion);
            System.out.printf(Locale.ROOT, "floor: %s is %s netty's CPU/RT, %s s more user time per 1M RT: one"
                    + " virtual-thread park/unpark per read, with no scheduler%s%n", FLOOR, format(cpuRatio(floor, netty)),
                    formatSeconds(extraUser),
                    ours == null ? "" : "; fibers is " + format(cpuRatio(ours, floor)) + " the floor");
        }
    }

    private static String yes(boolean b) {
        return b ? "met" : "MISSED";
    }

    private static String formatSeconds(double seconds) {
        return Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.2f", seconds);
    }

    /** Median of {@code v} (sorted in place); NaN if empty. */
    private static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String format(double ratio) {
        return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2fx", ratio);
    }

    private static double cpuRatio(List<Measurement> ms, List<Measurement> base) {
        return medianRatio(ms, base, Measurement::cpuSecondsPerMillion);
    }

    /** Median over rounds of {@code f(ms[r]) / f(base[r])}; NaN without a base. */
    private static double medianRatio(List<Measurement> ms, List<Measurement> base, ToDoubleFunction<Measurement> f) {
        return perRoundMedian(ms, base, (m, b) -> f.applyAsDouble(m) / f.applyAsDouble(b));
    }

    /** Median over rounds of {@code f(ms[r]) - f(base[r])}; NaN without a base. */
    private static double medianDifference(List<Measurement> ms, List<Measurement> base, ToDoubleFunction<Measurement> f) {
        return perRoundMedian(ms, base, (m, b) -> f.applyAsDouble(m) - f.applyAsDouble(b));
    }

    /** Median over rounds of {@code compare(ms[r], base[r])}; NaN without a base. */
    private static double perRoundMedian(List<Measurement> ms, List<Measurement> base,
                                         ToDoubleBiFunction<Measurement, Measurement> compare) {
        if (base == null || base.isEmpty()) {
            return Double.NaN;
        }
        int n = Math.min(ms.size(), base.size());
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = compare.applyAsDouble(ms.get(i), base.get(i));
        }
        return median(r);
    }

    private static Measurement median(List<Measurement> ms) {
        List<Measurement> sorted = new ArrayList<>(ms);
        sorted.sort((a, b) -> Double.compare(a.cpuSecondsPerMillion(), b.cpuSecondsPerMillion()));
        Measurement byCpu = sorted.get(sorted.size() / 2);
        double[] tput = ms.stream().mapToDouble(m -> m.roundTripsPerSecond).sorted().toArray();
        return new Measurement(byCpu.roundTrips, byCpu.serverCpuNanos, tput[tput.length / 2], byCpu.clientSeconds,
                byCpu.userShare);
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void checkOnClassPath(String className) {
        try {
            Class.forName(className, false, PingComparison.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            System.err.println(className + " is not on the class path: run PingComparison with fibers-examples "
                    + "(and its dependencies) on the class path as well.");
            System.exit(2);
        }
    }

    /** A child JVM running {@code mainClass args...}; its standard error goes to ours. */
    private static ProcessBuilder childJvm(List<String> mainAndArgs) {
        return ChildJvm.of(mainAndArgs).redirectError(ProcessBuilder.Redirect.INHERIT);
    }

    /** One client run against one server. */
    record Measurement(long roundTrips, long serverCpuNanos, double roundTripsPerSecond, double clientSeconds,
                       double userShare) {
        double cpuSecondsPerMillion() {
            return serverCpuNanos / 1e9 / (roundTrips / 1e6);
        }

        /** The user-space part of {@link #cpuSecondsPerMillion()}; NaN where the OS does not say. */
        double userSecondsPerMillion() {
            return cpuSecondsPerMillion() * userShare;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%9.0f round trips/s, server CPU %.2f s / 1M round trips (%.2f s CPU for %d)",
                    roundTripsPerSecond, cpuSecondsPerMillion(), serverCpuNanos / 1e9, roundTrips);
        }
    }

    /** A server child process. */
    private static final class Server {
        final String name;
        final Process process;
        final int port;

        private Server(String name, Process process, int port) {
            this.name = name;
            this.process = process;
            this.port = port;
        }

        static Server start(String name, List<String> spec) throws IOException {
            Process p = childJvm(spec).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {
                Matcher m = PORT.matcher(line);
                if (m.find()) {
                    drain(out);
                    return new Server(name, p, Integer.parseInt(m.group(1)));
                }
            }
            p.destroyForcibly();
            throw new IOException(name + " server exited before saying its port");
        }

        /** Keeps reading the child's stdout so it never blocks on a full pipe. */
        private static void drain(BufferedReader out) {
            Thread t = new Thread(() -> {
                try {
                    while (out.readLine() != null) {
                        // discard
                    }
                } catch (IOException ignored) {
                    // child gone
                }
            }, "drain");
            t.setDaemon(true);
            t.start();
        }

        Measurement measure(int clients, int requests) throws Exception {
            Duration cpu0 = cpu();
            ProcessCpuSplit split0 = ProcessCpuSplit.of(process.pid());
            Process client = childJvm(List.of("org.fibers.examples.ping.PingClient", String.valueOf(clients),
                    String.valueOf(requests), "127.0.0.1", String.valueOf(port))).start();
            String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!client.waitFor(30, TimeUnit.MINUTES) || client.exitValue() != 0) {
                throw new IllegalStateException("client against " + name + " failed: " + output);
            }
            Duration cpu = cpu().minus(cpu0);
            double userShare = ProcessCpuSplit.userShare(split0, ProcessCpuSplit.of(process.pid()));
            Matcher m = CLIENT.matcher(output);
            if (!m.find()) {
                throw new IllegalStateException("cannot read the client's result: " + output);
            }
            long roundTrips = (long) clients * requests;
            return new Measurement(roundTrips, cpu.toNanos(), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(1)),
                    userShare);
        }

        private Duration cpu() {
            return process.toHandle().info().totalCpuDuration()
                    .orElseThrow(() -> new IllegalStateException("no CPU time for " + name + " (pid " + process.pid() + ")"));
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
