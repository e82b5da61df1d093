package org.fibers.io;

import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.net.BindException;
import java.net.SocketException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import org.fibers.FiberCancelledException;

/** Linux errno values Netty does not name, and translation of Netty's native errors to JDK types. */
final class IoErrors {
    // Netty's NativeIoException carries -errno; these are Linux's values.
    static final int EPERM = -1;
    static final int ENOMEM = -12;
    static final int ENFILE = -23;
    static final int EMFILE = -24;
    static final int EADDRINUSE = -98;
    static final int ECONNABORTED = -103;
    static final int ENOBUFS = -105;

    private IoErrors() {
    }

    /** The negative errno of a native failure, or 0 if {@code e} did not come from a system call. */
    static int errno(IOException e) {
        return e instanceof Errors.NativeIoException n ? n.expectedErr() : 0;
    }

    /** True for accept failures that mean "out of descriptors or memory": back off and retry. */
    static boolean isResourceExhaustion(IOException e) {
        int err = errno(e);
        return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM;
    }

    /** JDK exception types for the common socket errors; others pass through unchanged. */
    static IOException translate(IOException e) {
        int err = errno(e);
        IOException t;
        if (err == Errors.ERRNO_ECONNRESET_NEGATIVE) {
            t = new SocketException("Connection reset by peer");
        } else if (err == Errors.ERRNO_EPIPE_NEGATIVE) {
            t = new SocketException("Broken pipe (the peer closed the connection)");
        } else if (err == EADDRINUSE) {
            t = new BindException("Address already in use");
        } else if (err == Errors.ERRNO_EBADF_NEGATIVE) {
            t = new ClosedChannelException();
        } else {
            return e;
        }
        t.initCause(e);
        return t;
    }

    /**
     * The port was closed before the call.
     *
     * @throws FiberCancelledException instead, if the caller is cancelled (see {@link #cancellationWins})
     */
    static ClosedChannelException closed() {
        cancellationWins();
        return new ClosedChannelException();
    }

    /**
     * The port was closed by another fiber or thread while this one waited on it.
     *
     * @throws FiberCancelledException instead, if the caller is cancelled (see {@link #cancellationWins})
     */
    static AsynchronousCloseException closedWhileWaiting() {
        cancellationWins();
        return new AsynchronousCloseException();
    }

    /**
     * One exception for one cause: a fiber that was cancelled and whose port was then closed
     * (the usual shutdown: cancel the acceptor, close the server) learns of the cancellation,
     * whichever of the two it observed first. Without this the same shutdown ended the call
     * with FiberCancelledException or with a ClosedChannelException/AsynchronousCloseException
     * depending on when the fiber ran. The interrupt status stays set, as for every
     * FiberCancelledException.
     */
    private static void cancellationWins() {
        if (Thread.currentThread().isInterrupted()) {
            throw new FiberCancelledException("cancelled (the port was closed as well)");
        }
    }
}
