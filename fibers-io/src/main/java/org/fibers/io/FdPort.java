package org.fibers.io;

import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.fibers.FiberCancelledException;
import org.fibers.io.poll.EpollSupport;
import org.fibers.io.poll.PolledFd;
import org.fibers.io.poll.ThreadWaiter;
import org.fibers.io.poll.Waiter;
import org.fibers.scheduler.Scheduler;

/**
 * A port over any pollable, nonblocking file descriptor: a pipe end, an eventfd, a descriptor
 * inherited from elsewhere. Reads and writes suspend the calling fiber (or block a plain
 * thread) when the descriptor is not ready. Unbuffered; buffers must be direct.
 *
 * <p>Thread-safety: any number of threads may wait on the port through {@link Ports}; at most
 * one should read and one write at a time. {@link #close()} from any thread.
 */
public final class FdPort extends FiberPort {
    private final ThreadWaiter readWaiter = new ThreadWaiter();
    private final ThreadWaiter writeWaiter = new ThreadWaiter();

    private FdPort(FileDescriptor fd) {
        super(new PolledFd(fd));
    }

    /**
     * Takes ownership of {@code fd}, which must already be in nonblocking mode (O_NONBLOCK).
     * Regular files cannot be polled by epoll; a port over one counts as always ready.
     *
     * @param fd an open descriptor in nonblocking mode; the port closes it
     * @return the port
     */
    public static FdPort adopt(int fd) {
        EpollSupport.ensureAvailable();
        return new FdPort(new FileDescriptor(fd));
    }

    /**
     * A new nonblocking pipe: element 0 is the read end, element 1 the write end.
     *
     * @return the two ends, each a port of its own
     * @throws IOException if the pipe cannot be made (out of descriptors)
     */
    public static FdPort[] pipe() throws IOException {
        EpollSupport.ensureAvailable();
        FileDescriptor[] ends = FileDescriptor.pipe();
        return new FdPort[] {new FdPort(ends[0]), new FdPort(ends[1])};
    }

    /**
     * Reads what is available into {@code dst} (a direct buffer) without waiting.
     *
     * @param dst where to put the bytes; its position advances
     * @return bytes read, 0 if none are available, -1 at end of stream
     * @throws IOException if the port is closed or the read failed
     */
    public int tryRead(ByteBuffer dst) throws IOException {
        requireDirect(dst);
        if (!pfd.acquire()) {
            throw IoErrors.closed();
        }
        try {
            int n = pfd.fd().read(dst, dst.position(), dst.limit());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        } catch (IOException e) {
            throw IoErrors.translate(e);
        } finally {
            pfd.release();
        }
    }

    /**
     * Reads at least one byte into {@code dst} (a direct buffer with room), waiting as needed.
     *
     * @param dst where to put the bytes; its position advances
     * @return bytes read, or -1 at end of stream
     * @throws java.nio.channels.AsynchronousCloseException if the port is closed meanwhile
     * @throws FiberCancelledException if the caller is cancelled while waiting
     */
    public int read(ByteBuffer dst) throws IOException {
        Scheduler.preemptionPoint();
        for (;;) {
            int seq = pfd.seq(PolledFd.READ);
            int n = tryRead(dst);
            if (n != 0 || !dst.hasRemaining()) {
                return n;
            }
            await(readWaiter, PolledFd.READ, seq);
        }
    }

    /**
     * Writes what fits into the descriptor now, without waiting; returns the byte count.
     *
     * @param src the bytes (a direct buffer); its position advances by the count written
     * @return the bytes written, 0 if the descriptor takes none now
     * @throws IOException if the port is closed or the write failed
     */
    public int tryWrite(ByteBuffer src) throws IOException {
        requireDirect(src);
        if (!pfd.acquire()) {
            throw IoErrors.closed();
        }
        try {
            int n = pfd.fd().write(src, src.position(), src.limit());
            src.position(src.position() + n);
            return n;
        } catch (IOException e) {
            throw IoErrors.translate(e);
        } finally {
            pfd.release();
        }
    }

    /**
     * Writes all of {@code src} (a direct buffer), waiting as needed.
     *
     * @param src the bytes; its position advances to its limit
     * @throws java.nio.channels.AsynchronousCloseException if the port is closed meanwhile
     * @throws IOException if the write failed
     */
    public void write(ByteBuffer src) throws IOException {
        Scheduler.preemptionPoint();
        while (src.hasRemaining()) {
            int seq = pfd.seq(PolledFd.WRITE);
            tryWrite(src);
            if (src.hasRemaining()) {
                await(writeWaiter, PolledFd.WRITE, seq);
            }
        }
    }

    private void await(ThreadWaiter w, int direction, int seq) throws IOException {
        if (pfd.await(w, direction, seq, false, 0) == Waiter.CLOSED) {
            throw IoErrors.closedWhileWaiting();
        }
    }

    private static void requireDirect(ByteBuffer b) {
        if (!b.isDirect()) {
            throw new IllegalArgumentException("FdPort needs a direct ByteBuffer");
        }
    }
}
