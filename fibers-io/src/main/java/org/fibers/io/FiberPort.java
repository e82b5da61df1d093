package org.fibers.io;

import java.io.Closeable;
import org.fibers.io.poll.PolledFd;

/**
 * A file descriptor that fibers can wait on: a {@link FiberSocket}, a {@link FiberServerSocket}
 * or an {@link FdPort}. The readiness operations of {@link Ports} take any port.
 *
 * <p>Closing a port wakes every fiber or thread waiting on it; they fail with
 * {@link java.nio.channels.AsynchronousCloseException} (Guile issue #80). Thread-safe.
 */
public abstract class FiberPort implements Closeable {
    /** The waiter record; the port owns the descriptor through it. */
    final PolledFd pfd;

    FiberPort(PolledFd pfd) {
        this.pfd = pfd;
    }

    /**
     * The descriptor number.
     *
     * @return the file descriptor; no longer valid after {@link #close()}
     */
    public final int fd() {
        return pfd.intValue();
    }

    /**
     * True until {@link #close()}.
     *
     * @return whether the port is still open
     */
    public final boolean isOpen() {
        return pfd.isOpen();
    }

    /**
     * Closes the port, waking everyone waiting on it with an error. The descriptor itself is
     * closed once no system call on it is in flight. Idempotent.
     */
    @Override
    public void close() {
        pfd.close();
    }

    /**
     * True if the port knows without a system call that a read (or an accept) would not wait,
     * for instance because bytes are buffered. A hint for the readable operation's try phase.
     */
    boolean readyToRead() {
        return false;
    }

    /** The record, for this package's operations. */
    final PolledFd polledFd() {
        return pfd;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[fd " + pfd.intValue() + (isOpen() ? "" : ", closed") + "]";
    }
}
