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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fibers.benchmarks.core.ChildJvm;
import org.fibers.benchmarks.report.Results;
import org.fibers.examples.Latency;

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
 * JVMs get the same class path and flags, run by the same {@code java}. The table also gives
 * each server's client-side latency percentiles (the median round's p50, p90 and p99 of
 * ping-client's line), and the targets line adds the restated one: our server's CPU per round
 * trip within 1.05x of the loom-floor server's.
 *
 * <p>With {@code -Dfibers.report.json=FILE} it also writes its figures there ({@link Results},
 * area {@code ping}); a server that does not start or whose client run fails is recorded as
 * skipped and the others go on, and when ping-client is missing from the class path the file
 * says so and the exit status is 0 (2 without the property).
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

    /**
     * Runs the comparison.
     *
     * @param args {@code [N M] [--rounds R] [--warmup W] [--servers a,b,...]}
     * @throws Exception if a server or client cannot be run at all
     */
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
        if (warmup < 0) {
            warmup = requests;
        }
        Results results = Results.forArea("ping", "Ping: server CPU per round trip, throughput and latency",
                PingComparison.class.getName() + " " + String.join(" ", args));
        results.param("clients", clients).param("requests", requests).param("rounds", rounds).param("warmup", warmup)
                .param("servers", String.join(",", servers)).param("ours", "fibers");
        for (String name : servers) {
            if (!SERVERS.containsKey(name)) {
                throw new IllegalArgumentException("unknown server " + name + "; known: " + SERVERS.keySet());
            }
        }
        if (!onClassPath("org.fibers.examples.ping.PingClient")) {
            String reason = "org.fibers.examples.ping.PingClient is not on the class path: run PingComparison with"
                    + " fibers-examples (and its dependencies) on the class path as well.";
            System.err.println(reason);
            servers.forEach(name -> results.skipped(name, reason));
            results.write();
            System.exit(results.enabled() ? 0 : 2);
        }

        System.out.printf(Locale.ROOT, "ping-client %d x %d against %s; warm-up %d x %d each; %d rounds; %d cores; load average %.2f%n",
                clients, requests, servers, clients, warmup, rounds, Runtime.getRuntime().availableProcessors(), loadAverage());
        Map<String, Server> running = new LinkedHashMap<>();
        try {
            for (String name : servers) {
                Server s = startAndWarmUp(name, clients, warmup, results);
                if (s != null) {
                    running.put(name, s);
                }
            }
            Map<String, List<Measurement>> measured = new LinkedHashMap<>();
            for (int r = 1; r <= rounds; r++) {
                for (Server s : List.copyOf(running.values())) {
                    try {
                        Measurement m = s.measure(clients, requests);
                        measured.computeIfAbsent(s.name, k -> new ArrayList<>()).add(m);
                        System.out.printf(Locale.ROOT, "  round %d %-10s %s%n", r, s.name, m);
                    } catch (IllegalStateException e) {
                        skip(s.name, "its client run failed in round " + r + ": " + e.getMessage(), results);
                        measured.remove(s.name);
                        running.remove(s.name).stop();
                    }
                }
            }
            new PingReport(measured, results).print(clients, requests);
        } finally {
            for (Server s : running.values()) {
                s.stop();
            }
        }
        results.write();
    }

    /** Starts a server and warms it up; null (and the server recorded as skipped) if either fails. */
    private static Server startAndWarmUp(String name, int clients, int warmup, Results results)
            throws IOException, InterruptedException {
        Server s;
        try {
            s = Server.start(name, SERVERS.get(name));
        } catch (IOException e) {
            skip(name, "it did not start: " + e.getMessage(), results);
            return null;
        }
        if (warmup > 0) {
            try {
                System.out.printf(Locale.ROOT, "  warm-up %-10s %s%n", name, s.measure(clients, warmup));
            } catch (IllegalStateException e) {
                skip(name, "its warm-up client run failed: " + e.getMessage(), results);
                s.stop();
                return null;
            }
        }
        return s;
    }

    private static void skip(String name, String reason, Results results) {
        System.out.printf("  skipped %s: %s%n", name, reason);
        results.skipped(name, reason);
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, PingComparison.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** A child JVM running {@code mainClass args...}; its standard error goes to ours. */
    private static ProcessBuilder childJvm(List<String> mainAndArgs) {
        return ChildJvm.of(mainAndArgs).redirectError(ProcessBuilder.Redirect.INHERIT);
    }

    /** One client run against one server. */
    record Measurement(long roundTrips, long serverCpuNanos, double roundTripsPerSecond, double clientSeconds,
                       double userShare, Latency.Percentiles latency) {
        double cpuSecondsPerMillion() {
            return serverCpuNanos / 1e9 / (roundTrips / 1e6);
        }

        /** The user-space part of {@link #cpuSecondsPerMillion()}; NaN where the OS does not say. */
        double userSecondsPerMillion() {
            return cpuSecondsPerMillion() * userShare;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%9.0f round trips/s, server CPU %.2f s / 1M round trips (%.2f s CPU for %d),"
                    + " p50 %.3f ms, p99 %.3f ms", roundTripsPerSecond, cpuSecondsPerMillion(), serverCpuNanos / 1e9,
                    roundTrips, latency.p50Millis(), latency.p99Millis());
        }
    }

    /** A server child process. */
    private static final class Server {
        /** How long a server may take to say its port. */
        static final Duration START_TIMEOUT = Duration.ofSeconds(60);

        final String name;
        final Process process;
        final int port;

        private Server(String name, Process process, int port) {
            this.name = name;
            this.process = process;
            this.port = port;
        }

        /** Starts the server and reads its port; a server silent for {@link #START_TIMEOUT} is killed. */
        static Server start(String name, List<String> spec) throws IOException {
            Process p = childJvm(spec).start();
            AtomicBoolean listening = new AtomicBoolean();
            Thread watchdog = Thread.ofPlatform().daemon().name("start-watchdog").start(() -> {
                try {
                    if (!p.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) && !listening.get()) {
                        p.destroyForcibly(); // its stdout ends, and the loop below gives up
                    }
                } catch (InterruptedException ignored) {
                    // the server said its port
                }
            });
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {
                Matcher m = PORT.matcher(line);
                if (m.find()) {
                    listening.set(true);
                    watchdog.interrupt();
                    ChildJvm.drainInBackground(out);
                    return new Server(name, p, Integer.parseInt(m.group(1)));
                }
            }
            p.destroyForcibly();
            throw new IOException(name + " server exited, or said nothing for " + START_TIMEOUT.toSeconds()
                    + " s, before saying its port");
        }


        Measurement measure(int clients, int requests) throws IOException, InterruptedException {
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
            Latency.Percentiles latency = Latency.parse(output).orElse(null);
            if (!m.find() || latency == null) {
                throw new IllegalStateException("cannot read the client's result and latency line: " + output);
            }
            long roundTrips = (long) clients * requests;
            return new Measurement(roundTrips, cpu.toNanos(), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(1)),
                    userShare, latency);
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
