package org.fibers.examples.memcached;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.fibers.io.FiberSocket;

/**
 * One server of a {@link MemcachedClient}: a pool of connections to it, at most
 * {@code maxConnections} in use at once, and whether it is down. Thread-safe; callers are
 * fibers or plain threads alike.
 */
final class ServerNode {
    /*
     * Implementation notes.
     *
     * The pool is a deque of idle connections plus a semaphore of permits for connections in
     * use. A caller takes a permit (waiting at most the timeout: a fiber parks like any
     * blocking call), takes the most recently used idle connection or opens a new one, runs
     * its exchange, and gives the connection back unless the exchange left it broken (then it
     * is closed). An I/O failure also closes the idle connections, which most likely died with
     * the same server.
     *
     * Down state. A connect that fails marks the server down until a deadline; until then its
     * operations fail at once, without a connect, so a dead server costs its callers nothing.
     * At the deadline exactly one caller wins the CAS that moves the deadline on and probes
     * with a real connect; everyone else keeps failing fast during the probe.
     */
    final InetSocketAddress address;
    private final Duration timeout;
    private final long retryNanos;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<ClientConnection> idle = new ConcurrentLinkedDeque<>();
    /*
     * downUntil, System.nanoTime() based:
     *
     *   UP (0) --connect fails--> DOWN(t = now + retry)
     *   DOWN(t), now < t          operations fail fast
     *   DOWN(t), now >= t --CAS by one caller--> DOWN(now + retry), that caller probes
     *   probe connects --> UP (0);  probe fails --> stays DOWN(its new deadline)
     */
    private final AtomicLong downUntil = new AtomicLong();

    ServerNode(InetSocketAddress address, Duration timeout, Duration retryDelay, int maxConnections) {
        this.address = address;
        this.timeout = timeout;
        this.retryNanos = retryDelay.toNanos();
        this.permits = new Semaphore(maxConnections);
    }

    /** Runs {@code exchange} on a pooled connection; see the implementation notes. */
    <R> R with(Function<ClientConnection, R> exchange) {
        checkUp();
        boolean got;
        try {
            got = permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MemcachedException(MemcachedException.Kind.IO, address, "interrupted while waiting for a connection", e);
        }
        if (!got) {
            throw new MemcachedException(MemcachedException.Kind.POOL_EXHAUSTED, address,
                    "all " + permits.availablePermits() + "+ connections busy for " + timeout, null);
        }
        try {
            ClientConnection c = idle.pollFirst();
            if (c == null) {
                c = open();
            }
            boolean reusable = false;
            try {
                R r = exchange.apply(c);
                reusable = !c.broken();
                return r;
            } catch (MemcachedException e) {
                reusable = !c.broken();
                if (e.kind() == MemcachedException.Kind.IO) {
                    closeIdle();
                }
                throw e;
            } finally {
                if (reusable) {
                    idle.offerFirst(c);
                } else {
                    c.close();
                }
            }
        } finally {
            permits.release();
        }
    }

    /** Throws SERVER_DOWN unless the server is up or this caller won the probe. */
    private void checkUp() {
        long t = downUntil.get();
        if (t == 0) {
            return; // up
        }
        long now = System.nanoTime();
        if (now - t < 0) {
            throw down(t - now);
        }
        if (!downUntil.compareAndSet(t, now + retryNanos)) {
            // another caller took this probe (or the server came back); ours would only race it
            long again = downUntil.get();
            if (again == 0) {
                return; // that probe found the server up
            }
            throw down(Math.max(0, again - now));
        }
        // CAS won: this caller probes; open() below connects for real
    }

    private ClientConnection open() {
        FiberSocket s;
        try {
            s = FiberSocket.connect(address, timeout); // a server that never completes the handshake costs one timeout
        } catch (IOException e) {
            long until = System.nanoTime() + retryNanos;
            downUntil.set(until == 0 ? 1 : until);
            throw new MemcachedException(MemcachedException.Kind.SERVER_DOWN, address,
                    "cannot connect (" + e.getMessage() + "); not retried for " + Duration.ofNanos(retryNanos), e);
        }
        downUntil.set(0);
        return new ClientConnection(s, address, timeout);
    }

    private MemcachedException down(long leftNanos) {
        return new MemcachedException(MemcachedException.Kind.SERVER_DOWN, address,
                "server marked down after a failed connect; tried again in " + Duration.ofNanos(leftNanos).toMillis() + " ms", null);
    }

    private void closeIdle() {
        ClientConnection c;
        while ((c = idle.pollFirst()) != null) {
            c.close();
        }
    }

    /** Closes the idle connections; ones in use close when their callers give them back broken or not at all. */
    void close() {
        closeIdle();
    }
}
