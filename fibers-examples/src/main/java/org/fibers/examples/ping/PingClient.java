package org.fibers.examples.ping;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.fibers.Fiber;
import org.fibers.FiberFailedException;
import org.fibers.Fibers;
import org.HdrHistogram.Histogram;
import org.fibers.RunOptions;
import org.fibers.examples.Latency;
import org.fibers.io.FiberSocket;
import org.fibers.io.blocking.Resolver;
import org.fibers.scheduler.Scheduler;

/**
 * Guile's ping client: N concurrent connections, each making M requests; connection n sends the
 * line {@code test-n} and checks that the echo is exactly that, one request at a time. Prints
 * the elapsed time and round trips per second.
 *
 * <pre>
 * PingClient N M [host [port]]        (defaults 127.0.0.1 11211)
 * </pre>
 * Exit status 0 when every echo matched, 1 otherwise. A second line gives the round trips'
 * latency percentiles ({@link Latency}), each connection recording its own.
 */
public final class PingClient {
    private PingClient() {
    }

    /**
     * What a run measured.
     *
     * @param clients how many client fibers (connections) ran
     * @param requests how many round trips each was to make
     * @param roundTrips how many echoes came back and matched
     * @param nanos the run's wall-clock time
     * @param failures how many connections failed or saw a wrong echo
     * @param firstFailure what the first failure was, or null
     * @param latency the round trips' latency percentiles
     */
    public record Result(int clients, int requests, long roundTrips, long nanos, long failures, String firstFailure,
                         Latency.Percentiles latency) {
        /** {@return round trips per second over the whole run} */
        public double roundTripsPerSecond() {
            return roundTrips * 1e9 / nanos;
        }

        /** {@return the run's wall-clock time in seconds} */
        public double seconds() {
            return nanos / 1e9;
        }

        /** {@return whether every connection made all its round trips and every echo matched} */
        public boolean ok() {
            return failures == 0 && roundTrips == (long) clients * requests;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d clients x %d requests: %d round trips in %.3f s, %.0f round trips/s%s",
                    clients, requests, roundTrips, seconds(), roundTripsPerSecond(),
                    failures == 0 ? "" : ", " + failures + " FAILED (first: " + firstFailure + ")")
                    + System.lineSeparator() + latency;
        }
    }

    /**
     * The command-line entry point.
     *
     * @param args N M [host [port]]
     * @throws FiberFailedException if the run could not start (the host does not resolve);
     *         failed round trips are counted and printed, not thrown
     */
    public static void main(String[] args) {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: PingClient N M [host [port]]   (N connections x M requests each)");
            System.exit(2);
        }
        int n = Integer.parseInt(args[0]);
        int m = Integer.parseInt(args[1]);
        String host = args.length > 2 ? args[2] : "127.0.0.1";
        int port = args.length > 3 ? Integer.parseInt(args[3]) : PingServer.DEFAULT_PORT;
        Result r = run(host, port, n, m, Runtime.getRuntime().availableProcessors());
        System.out.println(r);
        System.exit(r.ok() ? 0 : 1);
    }

    /**
     * Runs the test in its own Fibers.run on the calling thread.
     *
     * @param host        the server's host
     * @param port        its port
     * @param clients     N, the connections
     * @param requests    M, the round trips each makes
     * @param parallelism the client's schedulers
     * @return what was measured
     */
    public static Result run(String host, int port, int clients, int requests, int parallelism) {
        return Fibers.run(RunOptions.builder().parallelism(parallelism).build(), () -> {
            // Resolve once, before spawning the clients (Guile's client notes that getaddrinfo
            // blocks); ours runs on the resolver's thread pool anyway.
            InetAddress address = Resolver.resolve(host)[0];
            InetSocketAddress server = new InetSocketAddress(address, port);
            Scheduler here = Scheduler.current();
            AtomicLong failures = new AtomicLong();
            long start = System.nanoTime();
            List<Fiber<Long>> fibers = new ArrayList<>(clients);
            Histogram[] latencies = new Histogram[clients];
            for (int i = 0; i < clients; i++) {
                int id = i;
                latencies[i] = Latency.newHistogram();
                fibers.add(Fibers.spawn(() -> clientLoop(server, id, requests, latencies[id]), here, true));
            }
            long roundTrips = 0;
            String firstFailure = null;
            for (Fiber<Long> f : fibers) {
                try {
                    roundTrips += f.join();
                } catch (FiberFailedException e) {
                    failures.incrementAndGet();
                    if (firstFailure == null) {
                        firstFailure = String.valueOf(e.getCause());
                    }
                }
            }
            long nanos = System.nanoTime() - start;
            Histogram all = Latency.newHistogram();
            for (Histogram h : latencies) {
                all.add(h);
            }
            return new Result(clients, requests, roundTrips, nanos, failures.get(), firstFailure, Latency.of(all));
        });
    }

    /** Guile's client-loop: M requests of "test-n", each echo checked. Returns the round trips made. */
    static long clientLoop(InetSocketAddress server, int n, int requests, Histogram latency) throws IOException {
        String test = "test-" + n;
        byte[] request = (test + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] expected = test.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] response = new byte[Math.max(512, expected.length)];
        try (FiberSocket s = FiberSocket.connect(server)) {
            for (int m = 0; m < requests; m++) {
                long sent = System.nanoTime();
                s.write(request);
                s.flush();
                int len = s.readLine(response);
                if (len != expected.length || !java.util.Arrays.equals(response, 0, len, expected, 0, len)) {
                    throw new IOException("Bad response: " + (len < 0 ? "end of stream"
                            : new String(response, 0, len, java.nio.charset.StandardCharsets.UTF_8)) + " (expected " + test + ")");
                }
                latency.recordValue(Math.max(1, System.nanoTime() - sent));
            }
            return requests;
        }
    }
}
