package org.fibers.examples.memcached;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.HdrHistogram.Histogram;
import org.fibers.RunOptions;
import org.fibers.examples.Latency;
import org.fibers.io.FiberSocket;

/**
 * Guile's memcached client example: N connections, each a fiber doing M set/get pairs on the
 * key {@code test-<n>} with the value {@code <n>-<m>}, every value checked; prints the elapsed
 * time and operations per second. Speaks only get and set, so it also works against Guile's
 * {@code memcached-server.scm}.
 *
 * <pre>
 * memcached-client N M [host:port ...]     (default 127.0.0.1:11211; connections take the servers in turn)
 * </pre>
 * A second line gives the latency percentiles of the operations ({@link Latency}).
 */
public final class GuileClient {
    private GuileClient() {
    }

    /**
     * The command-line entry point; exits 1 on any mismatch or failure.
     *
     * @param args {@code CONNECTIONS PAIRS [HOST:PORT ...]}
     */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: memcached-client N M [host:port ...]");
            System.exit(2);
        }
        int n = Integer.parseInt(args[0]);
        int m = Integer.parseInt(args[1]);
        List<InetSocketAddress> servers = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            int colon = args[i].lastIndexOf(':');
            servers.add(InetSocketAddress.createUnresolved(args[i].substring(0, colon), Integer.parseInt(args[i].substring(colon + 1))));
        }
        if (servers.isEmpty()) {
            servers.add(InetSocketAddress.createUnresolved("127.0.0.1", 11211));
        }
        System.exit(run(n, m, servers) ? 0 : 1);
    }

    /**
     * Runs the load; true when every value read back matched.
     *
     * @param connections how many client fibers, each with its own connection
     * @param pairs how many set-then-get pairs each one sends
     * @param servers the servers; connections take them in turn
     * @return whether every value read back matched
     */
    public static boolean run(int connections, int pairs, List<InetSocketAddress> servers) {
        AtomicLong failures = new AtomicLong();
        Histogram[] latencies = new Histogram[connections];
        long start = System.nanoTime();
        Fibers.run(RunOptions.builder().parallelism(Runtime.getRuntime().availableProcessors()).build(), () -> {
            List<Fiber<?>> fibers = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                int id = i;
                latencies[i] = Latency.newHistogram();
                fibers.add(Fibers.spawn(() -> {
                    try {
                        if (!client(id, pairs, servers.get(id % servers.size()), latencies[id])) {
                            failures.incrementAndGet();
                        }
                    } catch (IOException e) {
                        System.err.println("connection " + id + " failed: " + e);
                        failures.incrementAndGet();
                    }
                }, org.fibers.scheduler.Scheduler.current(), true));
            }
            for (Fiber<?> f : fibers) {
                f.join();
            }
            return null;
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        long ops = 2L * connections * pairs;
        System.out.printf(Locale.ROOT, "%d connections x %d set/get pairs: %d operations in %.3f s, %.0f operations/s%n",
                connections, pairs, ops, seconds, ops / seconds);
        Histogram all = Latency.newHistogram();
        for (Histogram h : latencies) {
            all.add(h);
        }
        System.out.println(Latency.of(all));
        if (failures.get() > 0) {
            System.out.println(failures.get() + " connections saw a wrong value or failed");
            return false;
        }
        return true;
    }

    /** One connection's pairs; each set and each get is one latency sample. */
    private static boolean client(int id, int pairs, InetSocketAddress server, Histogram latency) throws IOException {
        try (FiberSocket s = FiberSocket.connect(server)) {
            String key = "test-" + id;
            for (int j = 0; j < pairs; j++) {
                String value = id + "-" + j;
                long sent = System.nanoTime();
                s.write("set " + key + " 0 0 " + value.length() + "\r\n" + value + "\r\n");
                s.flush();
                if (!"STORED\r".equals(s.readLine())) {
                    return false;
                }
                long got = System.nanoTime();
                latency.recordValue(Math.max(1, got - sent));
                s.write("get " + key + "\r\n");
                s.flush();
                String header = s.readLine();
                String data = s.readLine();
                String end = s.readLine();
                if (!("VALUE " + key + " 0 " + value.getBytes(StandardCharsets.UTF_8).length + "\r").equals(header)
                        || !(value + "\r").equals(data) || !"END\r".equals(end)) {
                    System.err.println("connection " + id + ": expected " + value + ", got " + header + " / " + data);
                    return false;
                }
                latency.recordValue(Math.max(1, System.nanoTime() - got));
            }
            return true;
        }
    }
}
