package org.fibers.console;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The console on a loopback TCP port: one {@link Console} session per connection, each on its
 * own daemon platform thread, so that {@code nc 127.0.0.1 PORT} attaches to a running service.
 * Off unless started: by {@link #start(int)}, or by {@link #startFromSystemProperty()} when
 * {@code -Dfibers.console.port=PORT} is set. Binds 127.0.0.1 only; the console can run code in
 * the process, so it must never listen on other interfaces.
 *
 * <p>Threading: an acceptor thread, plus one thread per session; at most {@link #MAX_SESSIONS}
 * sessions at once (a further connection is told so and closed). {@link #close()} stops
 * accepting and closes every session's socket. Thread-safe.
 */
public final class ConsoleServer implements AutoCloseable {
    /** The system property naming the port of {@link #startFromSystemProperty()} (0: any free port). */
    public static final String PORT_PROPERTY = "fibers.console.port";
    /** Sessions served at once. */
    public static final int MAX_SESSIONS = 16;

    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sessionCount = new AtomicInteger();
    private volatile boolean closed;

    private ConsoleServer(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "fibers-console-acceptor");
        acceptor.setDaemon(true);
    }

    /**
     * Listens on 127.0.0.1:{@code port} (0: a free port, see {@link #port()}) and serves
     * sessions until {@link #close()}.
     *
     * @param port the port, 0 to 65535
     * @return the running server
     * @throws IllegalArgumentException if {@code port} is out of range
     * @throws UncheckedIOException if the port cannot be bound
     */
    public static ConsoleServer start(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, not " + port);
        }
        ServerSocket s;
        try {
            s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port + " for the console", e);
        }
        ConsoleServer cs = new ConsoleServer(s);
        cs.acceptor.start();
        return cs;
    }

    /**
     * Starts a server on the port of {@code -Dfibers.console.port}, if that property is set;
     * empty otherwise (the console is off by default).
     *
     * @return the running server, or empty when the property is not set
     * @throws IllegalArgumentException if the property is not a port number
     */
    public static Optional<ConsoleServer> startFromSystemProperty() {
        String p = System.getProperty(PORT_PROPERTY);
        if (p == null || p.isBlank()) {
            return Optional.empty();
        }
        int port;
        try {
            port = Integer.parseInt(p.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PORT_PROPERTY + " must be a port number, not '" + p + "'", e);
        }
        return Optional.of(start(port));
    }

    /**
     * The port it listens on.
     *
     * @return the local port; the chosen one after {@code start(0)}
     */
    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;                     // close() closed the server socket
                }
                continue;                       // a failed accept loses that client only
            }
            if (sessions.size() >= MAX_SESSIONS) {
                refuse(s);
                continue;
            }
            sessions.add(s);
            Thread t = new Thread(() -> serve(s), "fibers-console-" + sessionCount.incrementAndGet());
            t.setDaemon(true);
            t.start();
        }
    }

    private static void refuse(Socket s) {
        try (s) {
            s.getOutputStream().write(("error: " + MAX_SESSIONS + " console sessions are open; try later\n")
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the client is gone already
        }
    }

    private void serve(Socket s) {
        try (s; Console c = new Console(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8),
                new PrintWriter(new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8), true),
                Console.PROMPT)) {
            c.run();
        } catch (IOException | UncheckedIOException e) {
            // the client went away (or close() closed its socket): this session only ends
        } finally {
            sessions.remove(s);
        }
    }

    /** Stops accepting, closes every session and waits for the acceptor to end. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : sessions) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
