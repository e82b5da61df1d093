package org.fibers.io;

import io.netty.channel.epoll.LinuxSocket;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.fibers.io.poll.EpollSupport;
import org.fibers.io.poll.PolledFd;
import org.fibers.io.poll.ThreadWaiter;
import org.fibers.io.poll.Waiter;
import org.fibers.operations.Operation;
import org.fibers.scheduler.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening TCP socket whose {@link #accept()} suspends the calling fiber until a connection
 * arrives. Any number of fibers may accept concurrently. Accepted sockets are nonblocking and
 * close-on-exec, with TCP_NODELAY on.
 *
 * <p>Running out of descriptors: when accept(2) fails with EMFILE or ENFILE (or ENOBUFS/ENOMEM),
 * the pending connection stays queued in the kernel and {@link #accept()} backs off (1 ms,
 * doubling up to 200 ms), logging at most once per second, until a descriptor is free: it
 * neither spins nor fails, and the connections already accepted are served meanwhile.
 * {@link #acceptOperation()} instead reports the error to its performer.
 */
public final class FiberServerSocket extends FiberPort {
    /*
     * Implementation notes. Acceptors share the listening fd's reader list: each accept() call
     * has its own ThreadWaiter (several fibers may accept at once), reads the readiness
     * sequence before accept4(2) and waits for it to move when the backlog was empty. Under
     * descriptor exhaustion the waiter ignores readiness (new connections cannot be accepted
     * either) and only its back-off timer or close() ends the wait. The stash is a lock-free
     * queue of sockets accepted by operations that lost their choice.
     */
    private static final Logger LOG = LoggerFactory.getLogger(FiberServerSocket.class);
    /** Guile's ping server listens with this backlog. */
    public static final int DEFAULT_BACKLOG = 1024;
    private static final long MIN_BACKOFF_NANOS = 1_000_000L;
    private static final long MAX_BACKOFF_NANOS = 200_000_000L;

    private final LinuxSocket socket;
    private final InetSocketAddress local;
    /** Connections accepted by an accept operation that lost its choice; handed out first. */
    private final ConcurrentLinkedQueue<FiberSocket> stash = new ConcurrentLinkedQueue<>();
    /**
     * Accept is backing off for lack of descriptors (for the once-per-episode log; racy by design).
     * <pre>  false --accept fails with EMFILE/ENFILE--> true --an accept succeeds--> false </pre>
     */
    private volatile boolean exhausted;
    /** When this socket last logged about descriptors (nanoTime), 0 never; at most one line a second. */
    private final AtomicLong lastLog = new AtomicLong();
    /** Accepts that failed for lack of descriptors since the last such log line (racy count). */
    private volatile int failuresSinceLog;
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private FiberServerSocket(LinuxSocket socket) throws IOException {
        super(new PolledFd(socket));
        this.socket = socket;
        this.local = socket.localAddress();
    }

    /**
     * Binds to {@code host:port} (port 0 picks a free port) with SO_REUSEADDR and the default
     * backlog.
     *
     * @param host the local address to listen on, as {@code 127.0.0.1}; looked up if a name
     * @param port the port, or 0 for a free one
     * @return the listening socket
     * @throws java.net.UnknownHostException if {@code host} does not resolve
     * @throws IOException if the address cannot be bound (in use, not local, no permission)
     */
    public static FiberServerSocket bind(String host, int port) throws IOException {
        return bind(new InetSocketAddress(InetAddress.getByName(host), port), DEFAULT_BACKLOG);
    }

    /**
     * Binds to {@code local} with SO_REUSEADDR and the default backlog.
     *
     * @param local the local address and port (0: a free one)
     * @return the listening socket
     * @throws IOException if the address cannot be bound (in use, not local, no permission)
     */
    public static FiberServerSocket bind(InetSocketAddress local) throws IOException {
        return bind(local, DEFAULT_BACKLOG);
    }

    /**
     * Binds to {@code local} with SO_REUSEADDR and listens with {@code backlog}.
     *
     * @param local the local address and port (0: a free one)
     * @param backlog the kernel's queue of connections not accepted yet
     * @return the listening socket
     * @throws IOException if the address cannot be bound (in use, not local, no permission)
     */
    public static FiberServerSocket bind(InetSocketAddress local, int backlog) throws IOException {
        return bind(local, backlog, true);
    }

    /**
     * Binds to {@code local} (an unresolved address is looked up first; port 0 picks a free
     * port) and listens with {@code backlog}.
     *
     * @param local the local address and port (0: a free one)
     * @param backlog the kernel's queue of connections not accepted yet
     * @param reuseAddress whether to set SO_REUSEADDR before binding
     * @return the listening socket
     * @throws IOException if the address cannot be bound (in use, not local, no permission)
     */
    public static FiberServerSocket bind(InetSocketAddress local, int backlog, boolean reuseAddress)
            throws IOException {
        EpollSupport.ensureAvailable();
        if (local.isUnresolved()) {
            local = new InetSocketAddress(InetAddress.getByName(local.getHostString()), local.getPort());
        }
        LinuxSocket s = LinuxSocket.newSocketStream(local.getAddress() instanceof Inet6Address);
        try {
            s.setReuseAddress(reuseAddress);
            s.bind(local);
            s.listen(backlog);
            return new FiberServerSocket(s);
        } catch (IOException e) {
            s.close();
            throw IoErrors.translate(e);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * The bound address; its port is the real one when bound to port 0.
     *
     * @return the address, with the port actually bound
     */
    public InetSocketAddress localAddress() {
        return local;
    }

    /** {@return the port actually bound (the free one chosen when bound to port 0)} */
    public int localPort() {
        return local.getPort();
    }

    /**
     * Waits for a connection and returns it.
     *
     * @return the accepted connection, with {@link FiberSocket}'s defaults
     * @throws IOException if accepting failed otherwise
     * @throws java.nio.channels.AsynchronousCloseException if the socket is closed meanwhile
     * @throws org.fibers.FiberCancelledException if the caller is cancelled while waiting
     */
    public FiberSocket accept() throws IOException {
        Scheduler.preemptionPoint();
        ThreadWaiter waiter = null;
        long backoff = 0;
        for (;;) {
            int seq = pfd.seq(PolledFd.READ);
            FiberSocket s;
            try {
                s = tryAccept();
            } catch (IOException e) {
                if (!IoErrors.isResourceExhaustion(e)) {
                    throw e;
                }
                backoff = backoff == 0 ? MIN_BACKOFF_NANOS : Math.min(2 * backoff, MAX_BACKOFF_NANOS);
                exhausted = true;
                failuresSinceLog++;
                if (mayLog()) {
                    int failures = failuresSinceLog;
                    failuresSinceLog = 0;
                    LOG.warn("accept on {}: {}; waiting for descriptors to be freed (retrying every <= {} ms;"
                            + " {} failed accepts since the last such line)",
                            local, e.getMessage(), MAX_BACKOFF_NANOS / 1_000_000, failures);
                }
                if (waiter == null) {
                    waiter = new ThreadWaiter();
                }
                backOff(waiter, seq, backoff);
                continue;
            }
            if (s != null) {
                if (exhausted) {
                    exhausted = false;
                    if (mayLog()) {
                        LOG.info("accept on {}: descriptors available again", local);
                    }
                }
                return s;
            }
            if (waiter == null) {
                waiter = new ThreadWaiter(); // per call: several fibers may accept at once
            }
            if (pfd.await(waiter, PolledFd.READ, seq, false, 0) == Waiter.CLOSED) {
                throw IoErrors.closedWhileWaiting();
            }
        }
    }

    /** True if no log line about descriptors was written in the last second; claims the slot. */
    private boolean mayLog() {
        long now = System.nanoTime();
        long last = lastLog.get();
        if (last != 0 && now - last < LOG_INTERVAL_NANOS) {
            return false; // logged less than a second ago
        }
        return lastLog.compareAndSet(last, now == 0 ? 1 : now); // false: another acceptor logs
    }

    /** Sleeps {@code nanos} while out of descriptors; only close (or cancellation) cuts it short. */
    private void backOff(ThreadWaiter waiter, int seq, long nanos) throws IOException {
        waiter.ignoreReadiness(true); // new connections must not wake us: no descriptor for them yet
        try {
            long token = System.nanoTime();
            if (pfd.await(waiter, PolledFd.READ, seq, false, token, token + nanos) == Waiter.CLOSED) {
                throw IoErrors.closedWhileWaiting();
            }
        } finally {
            waiter.ignoreReadiness(false);
        }
    }

    /**
     * An operation that accepts one connection; composes with {@link Operation#choice} (for
     * example with a timeout). Resource exhaustion and other accept errors are delivered as an
     * {@link java.io.UncheckedIOException}.
     *
     * @return the operation; it can be performed again for the next connection
     */
    public Operation<FiberSocket> acceptOperation() {
        return AcceptOperation.of(this);
    }

    /** Accepts a pending connection without waiting; null if there is none. */
    FiberSocket tryAccept() throws IOException {
        FiberSocket stashed = stash.poll();
        if (stashed != null) {
            return stashed;
        }
        if (!pfd.acquire()) {
            throw IoErrors.closed();
        }
        int fd;
        try {
            for (;;) {
                try {
                    fd = socket.accept(new byte[26]);
                    break;
                } catch (IOException e) {
                    if (IoErrors.errno(e) != IoErrors.ECONNABORTED) {
                        throw IoErrors.translate(e);
                    }
                    // the client gave up before we accepted: take the next one
                }
            }
        } finally {
            pfd.release();
        }
        return fd < 0 ? null : FiberSocket.accepted(fd);
    }

    /** Keeps a connection that an accept operation took but could not deliver. */
    void stash(FiberSocket s) {
        stash.add(s);
    }

    @Override
    boolean readyToRead() {
        return !stash.isEmpty();
    }

    /** Closes the listening socket and any stashed connections; waiting acceptors fail. */
    @Override
    public void close() {
        super.close();
        FiberSocket s;
        while ((s = stash.poll()) != null) {
            s.close();
        }
    }
}
