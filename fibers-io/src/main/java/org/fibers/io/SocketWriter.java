package org.fibers.io;

import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.fibers.io.poll.PolledFd;
import org.fibers.io.poll.ThreadWaiter;
import org.fibers.io.poll.Waiter;

/**
 * The output side of a {@link FiberSocket}: a direct write buffer that {@link #flush()} empties
 * into the socket, suspending the writing fiber while the socket's send buffer is full. One
 * writing fiber at a time.
 */
final class SocketWriter {
    private final Socket socket;
    private final PolledFd pfd;
    private final ThreadWaiter waiter = new ThreadWaiter();
    private final int bufferSize;
    /** Direct buffer, allocated on first write; bytes [pos, lim) are not written out yet. */
    private ByteBuffer buf;
    /** Native address of {@link #buf} (kept alive by that field): send without JNI buffer lookups. */
    private long bufAddress;
    private int pos;
    private int lim;
    /** Times a flush had to wait for the send buffer; writer thread only, for tests and introspection. */
    private int waits;

    SocketWriter(Socket socket, PolledFd pfd, int bufferSize) {
        this.socket = socket;
        this.pfd = pfd;
        this.bufferSize = bufferSize;
    }

    int waits() {
        return waits;
    }

    /** Bytes buffered and not yet flushed. */
    int pending() {
        return lim - pos;
    }

    void write(byte[] src, int off, int len) throws IOException {
        ByteBuffer b = buffer();
        while (len > 0) {
            int space = b.capacity() - lim;
            if (space == 0) {
                flush();
                space = b.capacity();
            }
            int n = Math.min(space, len);
            b.put(lim, src, off, n);
            lim += n;
            off += n;
            len -= n;
        }
    }

    void write(ByteBuffer src) throws IOException {
        ByteBuffer b = buffer();
        while (src.hasRemaining()) {
            int space = b.capacity() - lim;
            if (space == 0) {
                flush();
                space = b.capacity();
            }
            int n = Math.min(space, src.remaining());
            b.put(lim, src, src.position(), n);
            src.position(src.position() + n);
            lim += n;
        }
    }

    void write(int octet) throws IOException {
        ByteBuffer b = buffer();
        if (lim == b.capacity()) {
            flush();
        }
        b.put(lim++, (byte) octet);
    }

    /**
     * Writes every buffered byte to the socket. A short write means the send buffer is full:
     * the fiber then waits for the EPOLLOUT edge that comes when it drains (the readiness
     * sequence is read before the write, so that edge cannot be missed).
     */
    void flush() throws IOException {
        while (pos < lim) {
            int seq = pfd.seq(PolledFd.WRITE);
            pos += writeOnce(pos, lim);
            if (pos < lim) {
                waits++;
                if (pfd.await(waiter, PolledFd.WRITE, seq, false, 0) == Waiter.CLOSED) {
                    throw IoErrors.closedWhileWaiting();
                }
            }
        }
        pos = lim = 0;
    }

    private int writeOnce(int from, int to) throws IOException {
        if (!pfd.acquire()) {
            throw IoErrors.closed();
        }
        try {
            // sendto(2): skips the VFS layer write(2) goes through; by address, as Netty's own
            // channels do, so the JNI call needs no GetDirectBufferAddress on a buffer object
            return socket.sendAddress(bufAddress, from, to);
        } catch (IOException e) {
            throw IoErrors.translate(e);
        } finally {
            pfd.release();
        }
    }

    private ByteBuffer buffer() {
        ByteBuffer b = buf;
        if (b == null) {
            b = buf = ByteBuffer.allocateDirect(bufferSize);
            bufAddress = io.netty.channel.unix.Buffer.memoryAddress(b);
        }
        return b;
    }
}
