package org.fibers.web.http1;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.fibers.Fiber;
import org.fibers.FiberScope;
import org.fibers.Fibers;
import org.fibers.conditions.Condition;
import org.fibers.io.FiberServerSocket;
import org.fibers.io.FiberSocket;
import org.fibers.operations.Operation;
import org.fibers.scheduler.Scheduler;
import org.fibers.timers.Timers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 server engine under {@code FiberWebServer} and the {@code HttpServer} provider:
 * a listening socket, an acceptor fiber, and a fiber per connection spawned on a peer
 * scheduler chosen for it ({@code spawn-fiber #:parallel? #t}), so connections spread over the
 * group and a slow handler holds up only its own connection.
 *
 * <p>Closing: {@link #close()} stops accepting, closes the connections waiting for a request,
 * lets those in the middle of one finish (each then closes with {@code Connection: close}) for
 * up to the grace period, and then cancels whatever is left through the FiberScopes the
 * connection fibers were spawned in; it returns when every connection fiber has ended.
 */
public final class Http1Server implements AutoCloseable {
    /*
     * Implementation notes. The acceptor fiber owns one FiberScope per scheduler of the group
     * (a scope's children run on its scheduler, and only its opener may close it), spawns each
     * connection into the scope of the scheduler chooseParallel() picked, and after the accept
     * loop ends runs the shutdown: draining = true, stopIfIdle on every connection, a wait for
     * the last connection (a Condition signalled by whoever takes the live count to zero while
     * draining) or the grace period, whichever comes first, then closing the scopes, which
     * cancels the rest and waits for them. close() joins the acceptor.
     */
    private static final Logger LOG = LoggerFactory.getLogger(Http1Server.class);

    private final ServerConfig config;
    private final ExchangeHandler handler;
    private final Set<Http1Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger live = new AtomicInteger();
    private final Condition allEnded = new Condition();
    /** false --close() begins--> true; read by connections between requests. */
    private volatile boolean draining;
    private FiberServerSocket listener;
    private Scheduler scheduler;
    private boolean ownScheduler;
    private Fiber<Void> acceptor;
    /** The grace period of the close under way: the configured one, or the one given to {@link #close(Duration)}. */
    private volatile Duration grace;
    /**
     * <pre>  0 (new) --start--> 1 (running) --close--> 2 (closed)</pre>
     */
    private final AtomicInteger state = new AtomicInteger();

    /** A server for {@code config} that runs {@code handler} for each request. */
    public Http1Server(ServerConfig config, ExchangeHandler handler) {
        this.config = java.util.Objects.requireNonNull(config, "config");
        this.handler = java.util.Objects.requireNonNull(handler, "handler");
        this.grace = config.gracePeriod();
    }

    /**
     * Binds the listening socket without accepting yet (connections wait in the backlog until
     * {@link #start()}); {@link #start()} binds by itself when this was not called. Idempotent.
     *
     * @throws IOException if the address cannot be bound
     * @throws IllegalStateException after close
     */
    public synchronized Http1Server bind() throws IOException {
        if (state.get() == 2) {
            throw new IllegalStateException("server closed");
        }
        if (listener == null) {
            listener = FiberServerSocket.bind(config.address(), config.backlog());
        }
        return this;
    }

    /**
     * Binds the listening socket and starts accepting; with no scheduler configured, creates
     * and starts a group of {@code parallelism} schedulers (closed again by {@link #close()}).
     *
     * @throws IOException if the address cannot be bound
     * @throws IllegalStateException if started twice or after close
     */
    public synchronized Http1Server start() throws IOException {
        // 0 -> 1: we start it; otherwise it runs or ran already
        if (!state.compareAndSet(0, 1)) {
            throw new IllegalStateException("server already started or closed");
        }
        if (listener == null) {
            try {
                listener = FiberServerSocket.bind(config.address(), config.backlog());
            } catch (IOException | RuntimeException e) {
                state.set(0);
                throw e;
            }
        }
        if (config.scheduler() != null) {
            scheduler = config.scheduler();
        } else {
            scheduler = Scheduler.create(config.parallelism()).start();
            ownScheduler = true;
        }
        acceptor = Fibers.spawn(this::acceptLoop, scheduler, false);
        return this;
    }

    /** The bound address (its real port when bound to port 0). */
    public InetSocketAddress address() {
        FiberServerSocket l = listener;
        if (l == null) {
            throw new IllegalStateException("server not started");
        }
        return l.localAddress();
    }

    /** The scheduler group the server runs on. */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** Connections open now (a racy snapshot). */
    public int openConnections() {
        return live.get();
    }

    boolean draining() {
        return draining;
    }

    private void acceptLoop() {
        Map<Scheduler, FiberScope> scopes = new IdentityHashMap<>();
        for (Scheduler s : scheduler.peers()) {
            scopes.put(s, FiberScope.open(FiberScope.Policy.AWAIT_ALL, s, null));
        }
        try {
            for (;;) {
                FiberSocket client;
                try {
                    client = listener.accept();
                } catch (IOException e) {
                    if (listener.isOpen()) {
                        LOG.error("accept failed on {}; the server stops accepting", listener.localAddress(), e);
                    }
                    break;
                }
                Http1Connection c = new Http1Connection(this, client, config, handler);
                live.incrementAndGet();
                connections.add(c);
                Scheduler target = scheduler.chooseParallel();
                FiberScope scope = scopes.getOrDefault(target, scopes.get(scheduler));
                scope.spawn(c);
            }
        } finally {
            shutDown(scopes);
        }
    }

    private void shutDown(Map<Scheduler, FiberScope> scopes) {
        draining = true;
        for (Http1Connection c : connections) {
            c.stopIfIdle();
        }
        if (live.get() > 0) {
            Duration grace = this.grace;
            Operation.choice(allEnded.waitOperation().wrap(v -> true),
                    Timers.sleepOperation(grace).wrap(v -> false)).perform();
        }
        if (live.get() > 0) {
            LOG.info("closing {}: {} connections still busy after the {} grace period are cancelled",
                    listener.localAddress(), live.get(), grace);
        }
        for (FiberScope scope : scopes.values()) {
            scope.shutdown(); // cancel every scope's children first, then wait for each
        }
        for (Http1Connection c : connections) {
            c.abort();
        }
        for (FiberScope scope : scopes.values()) {
            scope.close();
        }
    }

    void connectionEnded(Http1Connection c) {
        connections.remove(c);
        if (live.decrementAndGet() == 0 && draining) {
            allEnded.signal();
        }
    }

    /**
     * Stops accepting, lets requests in flight finish within the grace period, cancels the
     * rest, and returns when every connection has ended; then closes the scheduler group if
     * the server made it. Idempotent. Not to be called from a fiber of the server's own group
     * when the server created that group.
     */
    @Override
    public void close() {
        close(config.gracePeriod());
    }

    /**
     * {@link #close()} with another grace period than the configured one (the JDK's
     * {@code HttpServer.stop(delay)}). A server bound but never started just closes its socket.
     */
    public void close(Duration gracePeriod) {
        java.util.Objects.requireNonNull(gracePeriod, "gracePeriod");
        this.grace = gracePeriod;
        int s;
        synchronized (this) {
            s = state.getAndSet(2);
            if (s == 0 && listener != null) {
                listener.close(); // bound, never started
            }
        }
        if (s != 1) {
            return; // never started, or closed already
        }
        listener.close();
        acceptor.join();
        if (ownScheduler) {
            scheduler.close();
        }
    }
}
