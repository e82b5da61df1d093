package org.fibers.examples.ping;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.io.FiberServerSocket;
import org.fibers.io.FiberSocket;
import org.fibers.io.LineTooLongException;
import org.fibers.scheduler.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guile's ping server: listens on a TCP port (127.0.0.1:11211 by default) and echoes back each
 * newline-terminated line, with a fiber per connection spread over the peer schedulers
 * ({@code spawn-fiber #:parallel? #t}), TCP_NODELAY, and our own buffering with a flush per line.
 *
 * <p>The manual says the original "doesn't limit the line size ... and does not time out clients
 * after inactivity". Here a line longer than the limit (512 bytes by default, Guile's TODO) gets
 * {@code ERROR line longer than 512 bytes} and the connection is closed; a connection idle for
 * the idle timeout (60 s by default) gets {@code ERROR idle for 60 s} and is closed.
 *
 * <pre>
 * PingServer [port [host]] [--max-line BYTES] [--idle-timeout SECONDS] [--parallelism N]
 * </pre>
 */
public final class PingServer {
    private static final Logger LOG = LoggerFactory.getLogger(PingServer.class);

    /** The port it listens on by default, memcached's (Guile's ping example uses it too). */
    public static final int DEFAULT_PORT = 11211;
    /** The longest request line, in bytes, before the connection is closed. */
    public static final int DEFAULT_MAX_LINE = 512;
    /** How long a connection may stay silent before it is closed. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    /**
     * How the server runs.
     *
     * @param host the address to listen on
     * @param port the port, 0 for a free one
     * @param maxLine the longest request line, in bytes
     * @param idleTimeout how long a connection may stay silent
     * @param parallelism how many schedulers serve the connections
     */
    public record Options(String host, int port, int maxLine, Duration idleTimeout, int parallelism) {
        /**
         * {@return 127.0.0.1, {@link #DEFAULT_PORT}, {@link #DEFAULT_MAX_LINE}, {@link
         * #DEFAULT_IDLE_TIMEOUT}, one scheduler per processor}
         */
        public static Options defaults() {
            return new Options("127.0.0.1", DEFAULT_PORT, DEFAULT_MAX_LINE, DEFAULT_IDLE_TIMEOUT,
                    Runtime.getRuntime().availableProcessors());
        }

        /**
         * {@return a copy listening on port {@code p} (0: a free one)}
         *
         * @param p the port
         */
        public Options withPort(int p) {
            return new Options(host, p, maxLine, idleTimeout, parallelism);
        }

        /**
         * {@return a copy served by {@code n} schedulers}
         *
         * @param n how many schedulers
         */
        public Options withParallelism(int n) {
            return new Options(host, port, maxLine, idleTimeout, n);
        }
    }

    private PingServer() {
    }

    /**
     * The command-line entry point; see the class comment for the arguments.
     *
     * @param args {@code [port [host]] [--max-line BYTES] [--idle-timeout SECONDS] [--parallelism
     *        N]}
     */
    public static void main(String[] args) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: PingServer [port [host]] [--max-line BYTES] [--idle-timeout SECONDS] [--parallelism N]");
            System.exit(2);
            return;
        }
        run(o, server -> System.out.printf("ping-server listening on %s (max line %d bytes, idle timeout %d s, parallelism %d)%n",
                server.localAddress(), o.maxLine(), o.idleTimeout().toSeconds(), o.parallelism()));
    }

    static Options parse(String[] args) {
        Options d = Options.defaults();
        String host = d.host();
        int port = d.port();
        int maxLine = d.maxLine();
        Duration idle = d.idleTimeout();
        int parallelism = d.parallelism();
        int positional = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--max-line" -> maxLine = positiveInt(a, value(args, ++i, a));
                case "--idle-timeout" -> idle = Duration.ofSeconds(positiveInt(a, value(args, ++i, a)));
                case "--parallelism" -> parallelism = positiveInt(a, value(args, ++i, a));
                default -> {
                    if (a.startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + a);
                    }
                    if (positional == 0) {
                        port = Integer.parseInt(a);
                    } else if (positional == 1) {
                        host = a;
                    } else {
                        throw new IllegalArgumentException("too many arguments: " + a);
                    }
                    positional++;
                }
            }
        }
        return new Options(host, port, maxLine, idle, parallelism);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positiveInt(String option, String v) {
        int n = Integer.parseInt(v);
        if (n < 1) {
            throw new IllegalArgumentException(option + " must be positive: " + v);
        }
        return n;
    }

    /**
     * Runs the server on the calling thread (as Fibers.run's main carrier) until its listening
     * socket is closed; {@code onListening} gets the socket once it is bound.
     *
     * @param o how to run
     * @param onListening called once, in a fiber, with the bound socket; closing it stops the
     *        server
     */
    public static void run(Options o, Consumer<FiberServerSocket> onListening) {
        Fibers.run(RunOptions.builder().parallelism(o.parallelism()).build(), () -> {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(o.host()), o.port());
            try (FiberServerSocket server = FiberServerSocket.bind(address, 1024)) {
                onListening.accept(server);
                serve(server, o);
            }
            return null;
        });
    }

    /** Guile's socket-loop: accept, and spawn a parallel fiber per client, until the socket closes. */
    static void serve(FiberServerSocket server, Options o) {
        Scheduler here = Scheduler.current();
        for (;;) {
            FiberSocket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.error("accept failed on {}", server.localAddress(), e);
                }
                return; // closed: shutting down
            }
            Fibers.spawn(() -> clientLoop(client, o), here, true);
        }
    }

    /** Guile's client-loop, with the line limit and the idle timeout. */
    static void clientLoop(FiberSocket client, Options o) {
        byte[] line = new byte[o.maxLine()];
        try {
            client.setReadTimeout(o.idleTimeout());
            int n;
            while ((n = client.readLine(line)) >= 0) {
                client.write(line, 0, n);
                client.write('\n');
                client.flush();
            }
        } catch (LineTooLongException e) {
            tell(client, "ERROR line longer than " + e.limit() + " bytes");
        } catch (SocketTimeoutException e) {
            tell(client, "ERROR idle for " + o.idleTimeout().toSeconds() + " s");
        } catch (IOException e) {
            LOG.debug("connection from {} ended: {}", client.remoteAddress(), e.toString());
        } finally {
            client.close();
        }
    }

    /** Says why the connection is about to be closed. */
    private static void tell(FiberSocket client, String message) {
        LOG.info("closing {}: {}", client.remoteAddress(), message);
        try {
            client.write((message + "\n").getBytes(StandardCharsets.UTF_8));
            client.flush();
        } catch (IOException ignored) {
            // the peer may be gone already
        }
    }
}
