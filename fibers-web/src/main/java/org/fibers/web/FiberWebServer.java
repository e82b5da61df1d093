package org.fibers.web;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import org.fibers.scheduler.Scheduler;
import org.fibers.web.http1.Http1Exchange;
import org.fibers.web.http1.Http1Server;
import org.fibers.web.http1.ServerConfig;

/**
 * An embeddable HTTP/1.1 server whose handlers run in fibers, one fiber per connection spread
 * over a scheduler group:
 *
 * <pre>{@code
 * try (FiberWebServer server = FiberWebServer.builder()
 *         .port(8080)
 *         .handler(request -> Response.ok("Hello, World!"))
 *         .build()
 *         .start()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops accepting, lets requests in flight finish within the grace period,
 * then cancels the rest. Thread-safe.
 */
public final class FiberWebServer implements AutoCloseable {
    private final Http1Server server;

    private FiberWebServer(ServerConfig config, Handler handler) {
        this.server = new Http1Server(config, exchange -> serve(handler, exchange));
    }

    /**
     * A builder with the defaults: 127.0.0.1, any port, one scheduler per processor.
     *
     * @return a new builder; set at least its {@link Builder#handler}
     */
    public static Builder builder() {
        return new Builder();
    }

    private static void serve(Handler handler, Http1Exchange exchange) throws Exception {
        Response r = handler.handle(new Request(exchange));
        if (r == null) {
            throw new IllegalStateException("handler returned no response");
        }
        BodyWriter w = r.writer();
        if (w == null) {
            byte[] b = r.bytes();
            exchange.respond(r.status(), r.headers(), b, 0, b.length);
        } else {
            try (OutputStream out = exchange.respondStreaming(r.status(), r.headers(), -1)) {
                w.writeTo(out);
            }
        }
    }

    /**
     * Binds and starts serving.
     *
     * @return this server, accepting connections
     * @throws IOException if the address cannot be bound
     */
    public FiberWebServer start() throws IOException {
        server.start();
        return this;
    }

    /**
     * The bound port (the real one when built with port 0).
     *
     * @return the port it listens on
     */
    public int port() {
        return server.address().getPort();
    }

    /**
     * The bound address.
     *
     * @return the address and port it listens on
     */
    public InetSocketAddress address() {
        return server.address();
    }

    /**
     * The scheduler group serving the connections.
     *
     * @return the group's scheduler the server spawns its fibers from
     */
    public Scheduler scheduler() {
        return server.scheduler();
    }

    /**
     * Connections open now (a racy snapshot).
     *
     * @return the count of connections being served
     */
    public int openConnections() {
        return server.openConnections();
    }

    /**
     * Stops accepting, lets requests in flight finish within the grace period, cancels the
     * rest, and returns once every connection has ended. Idempotent.
     */
    @Override
    public void close() {
        server.close();
    }

    /** Configures a {@link FiberWebServer}. */
    public static final class Builder {
        private String address = "127.0.0.1";
        private int port;
        private int backlog = 1024;
        private Handler handler;
        private int parallelism = Runtime.getRuntime().availableProcessors();
        private Scheduler scheduler;
        private int maxRequestLine = 8192;
        private int maxHeaderBytes = 16384;
        private long maxBody = 10L * 1024 * 1024;
        private int maxRequestsPerConnection = Integer.MAX_VALUE;
        private Duration readHeaderTimeout = Duration.ofSeconds(10);
        private Duration readBodyTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration gracePeriod = Duration.ofSeconds(5);
        private String serverName = "fibers";

        private Builder() {
        }

        /**
         * The address to listen on (a host name or literal); 127.0.0.1 by default.
         *
         * @param address where to listen; only a loopback address keeps the server local
         * @return this builder
         * @throws NullPointerException if {@code address} is null
         */
        public Builder address(String address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * The port; 0 (the default) picks a free one, see {@link FiberWebServer#port()}.
         *
         * @param port 0 to 65535
         * @return this builder
         * @throws IllegalArgumentException if {@code port} is out of range
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The listen backlog (1024 by default).
         *
         * @param backlog the kernel's queue of connections not accepted yet
         * @return this builder
         */
        public Builder backlog(int backlog) {
            this.backlog = backlog;
            return this;
        }

        /**
         * The request handler (required).
         *
         * @param handler answers each request, in the connection's fiber
         * @return this builder
         * @throws NullPointerException if {@code handler} is null
         */
        public Builder handler(Handler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Schedulers of the group the server creates (one per processor by default).
         *
         * @param parallelism how many schedulers (carrier threads); ignored with {@link #scheduler}
         * @return this builder
         */
        public Builder parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        /**
         * Run on an existing, started scheduler group instead of creating one; close() leaves it
         * running.
         *
         * @param scheduler any member of the group to serve on
         * @return this builder
         * @throws NullPointerException if {@code scheduler} is null
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Longest request line (8192 bytes by default; longer gets 414).
         *
         * @param bytes the longest request line accepted
         * @return this builder
         */
        public Builder maxRequestLine(int bytes) {
            this.maxRequestLine = bytes;
            return this;
        }

        /**
         * Largest header section (16384 bytes by default; larger gets 431).
         *
         * @param bytes the largest header section accepted
         * @return this builder
         */
        public Builder maxHeaderBytes(int bytes) {
            this.maxHeaderBytes = bytes;
            return this;
        }

        /**
         * Largest request body (10 MiB by default; larger gets 413).
         *
         * @param bytes the largest request body accepted
         * @return this builder
         */
        public Builder maxBody(long bytes) {
            this.maxBody = bytes;
            return this;
        }

        /**
         * Requests served on one connection before it is closed (unlimited by default).
         *
         * @param n how many requests a connection serves before the server closes it
         * @return this builder
         */
        public Builder maxRequestsPerConnection(int n) {
            this.maxRequestsPerConnection = n;
            return this;
        }

        /**
         * Time from a request's first byte to the end of its headers (10 s by default; then 408).
         *
         * @param d how long a request head may take to arrive
         * @return this builder
         */
        public Builder readHeaderTimeout(Duration d) {
            this.readHeaderTimeout = d;
            return this;
        }

        /**
         * Longest wait for the next bytes of a request body (30 s by default).
         *
         * @param d the longest pause within a request body
         * @return this builder
         */
        public Builder readBodyTimeout(Duration d) {
            this.readBodyTimeout = d;
            return this;
        }

        /**
         * Longest wait for the next request on a kept-alive connection (60 s by default).
         *
         * @param d how long a kept-alive connection may wait for its next request
         * @return this builder
         */
        public Builder idleTimeout(Duration d) {
            this.idleTimeout = d;
            return this;
        }

        /**
         * How long close() lets requests in flight finish before cancelling them (5 s by default).
         *
         * @param d how long {@code close()} waits for requests in flight
         * @return this builder
         */
        public Builder gracePeriod(Duration d) {
            this.gracePeriod = d;
            return this;
        }

        /**
         * The Server header's value ("fibers" by default).
         *
         * @param name the value of every response's {@code Server} header
         * @return this builder
         */
        public Builder serverName(String name) {
            this.serverName = name;
            return this;
        }

        /**
         * The server, not started yet.
         *
         * @return the server; call {@link FiberWebServer#start()}
         * @throws IllegalStateException without a handler
         * @throws IllegalArgumentException for an unknown host or a limit out of range
         */
        public FiberWebServer build() {
            if (handler == null) {
                throw new IllegalStateException("a handler is required");
            }
            return new FiberWebServer(config(), handler);
        }

        /** The configuration for the engine (for the HttpServer provider in this module). */
        ServerConfig config() {
            InetSocketAddress a;
            try {
                a = new InetSocketAddress(InetAddress.getByName(address), port);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("unknown host " + address, e);
            }
            return new ServerConfig(a, backlog, parallelism, scheduler, maxRequestLine, maxHeaderBytes, maxBody,
                    maxRequestsPerConnection, readHeaderTimeout, readBodyTimeout, idleTimeout, gracePeriod, serverName);
        }
    }
}
