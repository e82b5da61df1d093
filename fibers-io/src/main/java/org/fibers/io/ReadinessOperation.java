package org.fibers.io;

import java.io.UncheckedIOException;
import org.fibers.introspect.WaitDescription;
import org.fibers.io.poll.PolledFd;
import org.fibers.io.poll.Waiter;
import org.fibers.operations.BaseOperation;
import org.fibers.operations.OpState;
import org.fibers.operations.Resumer;

/**
 * The base operation behind {@link Ports#readableOperation} and {@link Ports#writableOperation}:
 * completes (with a null raw result) when the port is readable or writable, possibly spuriously;
 * completes with {@link #CLOSED} when the port is or gets closed.
 *
 * <p>Level-triggered on an edge-triggered fd: the try phase succeeds only on what the port knows
 * without a system call (buffered input); the block phase links a waiter and asks the home
 * carrier for a poke, which makes the kernel report the fd if it is ready now. When another
 * branch of a choice wins, perform runs the waiter's withdraw action, so a loop of
 * {@code choice(readable, timeout)} leaves nothing behind.
 */
final class ReadinessOperation extends BaseOperation<Object> {
    /*
     * Implementation notes. One OpWaiter per blocking perform, linked into the fd's reader or
     * writer list with a poke. Whoever fires it (the home carrier on an event, close() on any
     * thread, the poller going away) does so under the fd's lock and completes the perform with
     * OpState.trySync(): W->S means this readiness wins; S means another branch won or the
     * performer withdrew, and the waiter is simply dropped. Perform runs the waiter's run()
     * (withdraw) when another branch wins, so it leaves the list at once; PolledFd's pruning of
     * stale waiters is the backstop for any other path.
     */
    /** Raw result for "the port is closed". */
    static final Object CLOSED = new Object();

    private final FiberPort port;
    private final int direction;

    ReadinessOperation(FiberPort port, int direction) {
        this.port = port;
        this.direction = direction;
    }

    /** The wrap: null, or the closed-port error. */
    static Void check(Object raw) {
        if (raw == CLOSED) {
            throw new UncheckedIOException("port closed", IoErrors.closedWhileWaiting());
        }
        return null;
    }

    @Override
    public WaitDescription describeWait(long blockedSinceNanos) {
        return WaitDescription.of(direction == PolledFd.READ ? "fd-readable" : "fd-writable", "fd " + port.fd());
    }

    @Override
    protected Object tryPerform() {
        if (!port.isOpen()) {
            return CLOSED;
        }
        return direction == PolledFd.READ && port.readyToRead() ? null : NOT_READY;
    }

    @Override
    protected Runnable block(OpState state, Resumer<? super Object> resume) {
        PolledFd pfd = port.polledFd();
        OpWaiter w = new OpWaiter(pfd, state, resume);
        int r = pfd.link(w, direction, pfd.seq(direction), true);
        if (r == PolledFd.LINKED) {
            return w;
        }
        if (state.trySync()) { // W->S: no need to wait; we complete the perform ourselves
            resume.resume(r == Waiter.CLOSED ? CLOSED : null);
        }
        // else S: another branch won while we were publishing
        return null;
    }

    /** Completes the perform when fired; its run() withdraws it when another branch won. */
    static final class OpWaiter extends Waiter implements Runnable {
        private final PolledFd pfd;
        private final OpState state;
        private final Resumer<? super Object> resume;

        OpWaiter(PolledFd pfd, OpState state, Resumer<? super Object> resume) {
            this.pfd = pfd;
            this.state = state;
            this.resume = resume;
        }

        @Override
        protected void fired(int outcome) {
            if (state.trySync()) { // W->S: this readiness completes the perform
                resume.resume(outcome == CLOSED ? ReadinessOperation.CLOSED : null);
            }
            // else S: another branch won or the performer withdrew; nothing to deliver
        }

        @Override
        protected boolean isStale() {
            return state.isSynced();
        }

        @Override
        public void run() {
            pfd.withdraw(this);
        }
    }
}
