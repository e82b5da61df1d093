package org.fibers.web.jdk;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.fibers.web.http1.Http1Server;
import org.fibers.web.http1.ServerConfig;

/**
 * A {@link HttpServer} whose connections are fibers of FiberWebServer's HTTP/1.1 engine; what
 * {@code HttpServer.create} returns when fibers-web is on the class path.
 *
 * <p>Contexts are matched as the JDK does: the longest context path that is a string prefix of
 * the request URI's path; none gives 404. User filters run first, then the context's
 * {@link com.sun.net.httpserver.Authenticator} (Success sets the principal, Retry and Failure
 * answer with their status and no body), then the handler, all in the connection's fiber.
 *
 * <p>{@link #setExecutor} is accepted and {@link #getExecutor} returns it, but handlers run in
 * the connection's fiber regardless: blocking there is cheap, so no hand-off is needed.
 * {@link #stop(int)} stops accepting, lets exchanges in flight finish for up to {@code delay}
 * seconds, then cancels what is left and closes every connection. Thread-safe.
 */
public final class FiberHttpServer extends HttpServer {
    /** Defaults as FiberWebServer's, but no body limit: an unmodified application expects none. */
    private static final int DEFAULT_BACKLOG = 1024;

    /** Contexts in creation order; looked up on every request, changed rarely. */
    private final CopyOnWriteArrayList<FiberHttpContext> contexts = new CopyOnWriteArrayList<>();
    private Http1Server engine;
    private Executor executor;
    private boolean started;

    FiberHttpServer() {
    }

    /**
     * Binds to {@code addr}; connections queue in the backlog until {@link #start()}.
     *
     * @throws java.net.BindException if the address is in use
     * @throws IllegalStateException if already bound
     */
    @Override
    public synchronized void bind(InetSocketAddress addr, int backlog) throws IOException {
        Objects.requireNonNull(addr, "addr");
        if (engine != null) {
            throw new IllegalStateException("server already bound");
        }
        Http1Server e = new Http1Server(config(addr, backlog), new Dispatcher(this));
        e.bind();
        engine = e;
    }

    private static ServerConfig config(InetSocketAddress addr, int backlog) {
        int parallelism = Integer.getInteger("org.fibers.web.jdk.parallelism", Runtime.getRuntime().availableProcessors());
        return new ServerConfig(addr, backlog > 0 ? backlog : DEFAULT_BACKLOG, parallelism, null, 8192, 65536,
                Long.MAX_VALUE, Integer.MAX_VALUE, Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ZERO, "fibers");
    }

    /**
     * Starts accepting, each connection in a fiber.
     *
     * @throws IllegalStateException if not bound, already started, or stopped
     */
    @Override
    public synchronized void start() {
        if (engine == null || started) {
            throw new IllegalStateException(engine == null ? "server not bound" : "server already started");
        }
        started = true;
        try {
            engine.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Accepted and remembered, not used: handlers run in the connection's fiber whatever
     * executor is given (see the class comment).
     *
     * @throws IllegalStateException after {@link #start()}
     */
    @Override
    public synchronized void setExecutor(Executor executor) {
        if (started) {
            throw new IllegalStateException("server already started");
        }
        this.executor = executor;
    }

    /** The executor last given to {@link #setExecutor}, or null; handlers do not run on it. */
    @Override
    public synchronized Executor getExecutor() {
        return executor;
    }

    /**
     * Stops accepting, waits up to {@code delay} seconds for exchanges in flight, then cancels
     * the rest and closes every connection; returns when every connection fiber has ended.
     *
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    @Override
    public void stop(int delay) {
        if (delay < 0) {
            throw new IllegalArgumentException("negative delay: " + delay);
        }
        Http1Server e;
        synchronized (this) {
            e = engine;
        }
        if (e != null) {
            e.close(Duration.ofSeconds(delay));
        }
    }

    /**
     * A context for {@code path} served by {@code handler}.
     *
     * @throws IllegalArgumentException if the path does not start with '/' or has a context already
     */
    @Override
    public HttpContext createContext(String path, HttpHandler handler) {
        Objects.requireNonNull(handler, "handler");
        FiberHttpContext c = createContext(path);
        c.setHandler(handler);
        return c;
    }

    /**
     * A context for {@code path} without a handler yet (requests to it get 500 until one is set).
     *
     * @throws IllegalArgumentException if the path does not start with '/' or has a context already
     */
    @Override
    public synchronized FiberHttpContext createContext(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a context path must start with '/': " + path);
        }
        for (FiberHttpContext c : contexts) {
            if (c.getPath().equals(path)) {
                throw new IllegalArgumentException("a context already exists for " + path);
            }
        }
        FiberHttpContext c = new FiberHttpContext(this, path);
        contexts.add(c);
        return c;
    }

    /**
     * Removes the context for exactly {@code path}.
     *
     * @throws IllegalArgumentException if there is none
     */
    @Override
    public synchronized void removeContext(String path) {
        Objects.requireNonNull(path, "path");
        for (FiberHttpContext c : contexts) {
            if (c.getPath().equals(path)) {
                contexts.remove(c);
                return;
            }
        }
        throw new IllegalArgumentException("no context for " + path);
    }

    /**
     * Removes {@code context}.
     *
     * @throws IllegalArgumentException if it is not one of this server's
     */
    @Override
    public synchronized void removeContext(HttpContext context) {
        if (!contexts.remove(context)) {
            throw new IllegalArgumentException("not a context of this server: " + context);
        }
    }

    /** The bound address (its real port when bound to port 0), or null when not bound. */
    @Override
    public synchronized InetSocketAddress getAddress() {
        return engine == null ? null : engine.address();
    }

    /** The context whose path is the longest string prefix of {@code path}, or null (the JDK's rule). */
    FiberHttpContext findContext(String path) {
        FiberHttpContext best = null;
        for (FiberHttpContext c : contexts) {
            if (path.startsWith(c.getPath()) && (best == null || c.getPath().length() > best.getPath().length())) {
                best = c;
            }
        }
        return best;
    }
}
