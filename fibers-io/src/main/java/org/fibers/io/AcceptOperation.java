package org.fibers.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.fibers.introspect.WaitDescription;
import org.fibers.io.poll.PolledFd;
import org.fibers.io.poll.Waiter;
import org.fibers.operations.BaseOperation;
import org.fibers.operations.OpState;
import org.fibers.operations.Operation;
import org.fibers.operations.Resumer;

/**
 * Accepting a connection as an operation (Guile's {@code accept-operation}), which yields the
 * accepted {@link FiberSocket} and composes with choice.
 *
 * <p>Unlike a readiness operation, it must not complete on a spurious wake-up. So its waiter
 * retries accept(2) itself when fired, on the firing thread (the home carrier): with a
 * connection it commits the perform and hands it over; with none it stays linked for the next
 * edge. If the perform was committed by another branch in between, the connection is kept in
 * the server socket's stash for the next accept, never lost.
 */
final class AcceptOperation extends BaseOperation<Object> {
    /*
     * Implementation notes. The waiter's takes() runs under the fd's lock when an edge fires
     * it: it calls accept4(2) (nonblocking) and keeps the result; no connection means "stay
     * linked". fired() then commits with trySync(): W->S delivers the socket (or the error);
     * S means the perform completed elsewhere, and a socket already accepted goes to the
     * server's stash, which tryAccept() empties first. A stale waiter (perform already S) takes
     * the event without accepting, so nothing is taken from the backlog on its behalf.
     */
    private final FiberServerSocket server;

    private AcceptOperation(FiberServerSocket server) {
        this.server = server;
    }

    @Override
    public WaitDescription describeWait(long blockedSinceNanos) {
        return WaitDescription.of("fd-accept", "fd " + server.fd());
    }

    static Operation<FiberSocket> of(FiberServerSocket server) {
        return new AcceptOperation(server).wrap(AcceptOperation::unwrap);
    }

    private static FiberSocket unwrap(Object raw) {
        if (raw instanceof FiberSocket s) {
            return s;
        }
        if (raw == ReadinessOperation.CLOSED) {
            throw new UncheckedIOException("server socket closed", IoErrors.closedWhileWaiting());
        }
        IOException e = (IOException) raw;
        throw new UncheckedIOException(e.getMessage(), e);
    }

    @Override
    protected Object tryPerform() {
        if (!server.isOpen()) {
            return ReadinessOperation.CLOSED;
        }
        try {
            FiberSocket s = server.tryAccept();
            return s != null ? s : NOT_READY;
        } catch (IOException e) {
            return e;
        }
    }

    @Override
    protected Runnable block(OpState state, Resumer<? super Object> resume) {
        PolledFd pfd = server.polledFd();
        AcceptWaiter w = new AcceptWaiter(server, state, resume);
        int r = pfd.link(w, PolledFd.READ, pfd.seq(PolledFd.READ), true);
        if (r == PolledFd.LINKED) {
            return w;
        }
        if (r == Waiter.CLOSED) {
            if (state.trySync()) { // W->S: we report the closed socket
                resume.resume(ReadinessOperation.CLOSED);
            }
            return null;
        }
        // READY without linking (unpollable fd, or an event raced the link): try once more now.
        Object raw = tryPerform();
        if (raw == NOT_READY) {
            return block(state, resume);
        }
        if (state.trySync()) { // W->S: ours
            resume.resume(raw);
        } else if (raw instanceof FiberSocket s) {
            server.stash(s); // S: another branch won; keep the connection for the next accept
        }
        return null;
    }

    /** See the class comment. */
    private static final class AcceptWaiter extends Waiter implements Runnable {
        private final FiberServerSocket server;
        private final OpState state;
        private final Resumer<? super Object> resume;
        /** The accepted socket or the accept error, found by takes(); under the fd lock. */
        private Object result;

        AcceptWaiter(FiberServerSocket server, OpState state, Resumer<? super Object> resume) {
            this.server = server;
            this.state = state;
            this.resume = resume;
        }

        @Override
        protected boolean takes(int outcome) {
            if (state.isSynced()) {
                return true; // stale: nothing to accept for
            }
            try {
                FiberSocket s = server.tryAccept();
                if (s == null) {
                    return false; // spurious: wait for the next edge
                }
                result = s;
            } catch (IOException e) {
                result = e;
            }
            return true;
        }

        @Override
        protected void fired(int outcome) {
            Object raw = outcome == CLOSED ? ReadinessOperation.CLOSED : result;
            result = null;
            if (raw == null) {
                return; // stale and taken without accepting
            }
            if (state.trySync()) { // W->S: the connection (or error) completes the perform
                resume.resume(raw);
            } else if (raw instanceof FiberSocket s) {
                server.stash(s); // S: lost the race with another branch; keep it
            }
        }

        @Override
        protected boolean isStale() {
            return state.isSynced();
        }

        @Override
        public void run() {
            server.polledFd().withdraw(this);
        }
    }
}
