package org.fibers.examples.memcached;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.io.FiberServerSocket;
import org.fibers.io.FiberSocket;
import org.fibers.scheduler.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A memcached server: the text and meta protocols of memcached 1.6 over fibers-io sockets,
 * one fiber per connection spread over the peer schedulers, and a striped in-memory
 * {@link Store} with LRU eviction under a memory limit.
 *
 * <pre>
 * memcached-server [--port 11211] [--listen 127.0.0.1] [-m MiB] [-I SIZE] [-c CONNS] [--parallelism N] [--store locks|owners]
 * </pre>
 *
 * <p>A connection beyond {@code -c} is accepted, told {@code SERVER_ERROR too many open
 * connections} and closed; idle connections stay open, as in memcached.
 */
public final class MemcachedServer {
    private static final Logger LOG = LoggerFactory.getLogger(MemcachedServer.class);

    /** What {@code version} reports: the memcached release whose protocol this follows. */
    public static final String VERSION = "1.6.18";
    /** Listen backlog. */
    static final int BACKLOG = 1024;

    final ServerOptions options;
    final ServerStats stats = new ServerStats();
    final CacheOps ops;
    private volatile int port;

    private MemcachedServer(ServerOptions options) {
        this.options = options;
        this.ops = new CacheOps(new Store(options.maxBytes(), options.ownerFibers()), stats, options.itemMax());
    }

    /**
     * The command-line entry point.
     *
     * @param args the options of {@link ServerOptions#USAGE}
     */
    public static void main(String[] args) {
        ServerOptions o;
        try {
            o = ServerOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(ServerOptions.USAGE);
            System.exit(2);
            return;
        }
        run(o, server -> System.out.printf("memcached-server listening on %s (-m %d MiB, -I %d bytes, -c %d, parallelism %d)%n",
                server.localAddress(), o.maxBytes() >> 20, o.itemMax(), o.maxConns(), o.parallelism()));
    }

    /**
     * Runs a server on the calling thread (as the main carrier of {@link Fibers#run}) until its
     * listening socket is closed; {@code onListening} gets that socket once it is bound.
     *
     * @param o the server's options
     * @param onListening called once, in a fiber, with the bound socket; closing it stops the
     *        server
     */
    public static void run(ServerOptions o, Consumer<FiberServerSocket> onListening) {
        MemcachedServer server = new MemcachedServer(o);
        Fibers.run(RunOptions.builder().parallelism(o.parallelism()).build(), () -> {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(o.host()), o.port());
            try (FiberServerSocket socket = FiberServerSocket.bind(address, BACKLOG)) {
                server.port = socket.localPort();
                server.ops.store().startOwners();
                try {
                    onListening.accept(socket);
                    server.serve(socket);
                } finally {
                    server.ops.store().stopOwners();
                }
            }
            return null;
        });
    }

    int port() {
        return port;
    }

    /** Accepts until the socket closes; a fiber per connection on the peer schedulers. */
    private void serve(FiberServerSocket listener) {
        Scheduler here = Scheduler.current();
        for (;;) {
            FiberSocket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (listener.isOpen()) {
                    LOG.error("accept failed on {}", listener.localAddress(), e);
                }
                return; // closed: shutting down
            }
            if (stats.currConnections.incrementAndGet() > options.maxConns()) {
                stats.currConnections.decrementAndGet();
                stats.rejectedConnections.increment();
                Fibers.spawn(() -> reject(client), here, true);
                continue;
            }
            stats.totalConnections.increment();
            Fibers.spawn(() -> {
                try {
                    new Connection(client, this).run();
                } finally {
                    stats.currConnections.decrementAndGet();
                }
            }, here, true);
        }
    }

    /** memcached's answer to a connection over the limit. */
    private static void reject(FiberSocket client) {
        try {
            client.write("SERVER_ERROR too many open connections\r\n");
            client.flush();
        } catch (IOException ignored) {
            // the client is gone already; nothing to tell it
        } finally {
            client.close();
        }
    }
}
