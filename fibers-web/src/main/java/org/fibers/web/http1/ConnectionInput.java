package org.fibers.web.http1;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import org.fibers.io.FiberSocket;

/**
 * A connection's receive buffer: bytes [pos, lim) of {@link #buf} are received and not yet
 * consumed. The parser reads the request head in place; body bytes are handed out from here
 * and, once the buffer is empty, read from the socket straight into the reader's array. The
 * buffer starts small and grows up to what one request head may take. One fiber (the
 * connection's) uses it.
 *
 * <p>Timeouts come in three phases, each the socket's read timeout while it lasts: idle (waiting
 * for a request's first byte), head (a deadline from the first byte: a client dribbling one
 * byte at a time is cut off when its head is not complete by then) and body (the longest wait
 * for the next body bytes).
 */
final class ConnectionInput {
    static final int INITIAL_SIZE = 4096;

    private final FiberSocket socket;
    private final int maxSize;
    private final long idleNanos;
    private final long headNanos;
    private final long bodyNanos;
    /** The socket's read timeout as last set, so that it is only set on a phase change. */
    private long socketTimeoutNanos = -1;
    /** nanoTime by which the head being read must be complete; meaningful in the head phase. */
    private long headDeadline;

    byte[] buf = new byte[INITIAL_SIZE];
    int pos;
    int lim;

    ConnectionInput(FiberSocket socket, ServerConfig config) {
        this.socket = socket;
        // a whole head must fit: request line, header section, their CR LFs and a little slack
        this.maxSize = Math.max(INITIAL_SIZE, config.maxRequestLine() + config.maxHeaderBytes() + 64);
        this.idleNanos = config.idleTimeout().toNanos();
        this.headNanos = config.readHeaderTimeout().toNanos();
        this.bodyNanos = config.readBodyTimeout().toNanos();
    }

    int available() {
        return lim - pos;
    }

    /** Waits for the next request's first bytes with the idle timeout; -1 at end of stream. */
    int fillIdle() throws IOException {
        timeout(idleNanos);
        return readMore();
    }

    /** Starts the head deadline (called when a request's first byte is in the buffer). */
    void startHead() {
        headDeadline = System.nanoTime() + headNanos;
    }

    /**
     * Reads more of a request head, keeping [from, lim) and making room if needed.
     *
     * @return the new position of {@code from} (the buffer may have been compacted), or -1 at end of stream
     * @throws SocketTimeoutException past the head deadline
     */
    int fillHead(int from) throws IOException {
        long left = headDeadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("request head not complete within " + headNanos / 1_000_000 + " ms");
        }
        timeout(Math.max(left, 1_000_000));
        int shift = makeRoom(from);
        if (readMore() < 0) {
            return -1;
        }
        if (System.nanoTime() - headDeadline > 0) {
            throw new SocketTimeoutException("request head not complete within " + headNanos / 1_000_000 + " ms");
        }
        return from - shift;
    }

    /** Reads more body bytes into the buffer (which must be consumed up to pos). -1 at end of stream. */
    int fillBody() throws IOException {
        timeout(bodyNanos);
        makeRoom(pos);
        return readMore();
    }

    /**
     * Reads body bytes straight into {@code dst} when the buffer is empty: no staging copy.
     *
     * @return bytes read, or -1 at end of stream
     */
    int readBodyDirect(byte[] dst, int off, int len) throws IOException {
        timeout(bodyNanos);
        return socket.read(dst, off, len);
    }

    /** Moves [from, lim) to the front when the buffer is full, growing it up to its maximum; returns the shift. */
    private int makeRoom(int from) {
        if (lim < buf.length) {
            return 0;
        }
        if (from > 0) {
            System.arraycopy(buf, from, buf, 0, lim - from);
            lim -= from;
            pos -= Math.min(pos, from);
            return from;
        }
        if (buf.length < maxSize) {
            buf = Arrays.copyOf(buf, Math.min(maxSize, buf.length * 2));
        }
        return 0;
    }

    /** Consumed everything: the next request starts at the front. */
    void resetIfEmpty() {
        if (pos == lim) {
            pos = lim = 0;
        }
    }

    /** True when the buffer is full and cannot grow: the head being read is over every limit. */
    boolean full() {
        return lim == buf.length && buf.length >= maxSize;
    }

    private int readMore() throws IOException {
        if (lim == buf.length) {
            return 0; // full: the caller's limits decide (it never loops on this)
        }
        int n = socket.read(buf, lim, buf.length - lim);
        if (n > 0) {
            lim += n;
        }
        return n;
    }

    private void timeout(long nanos) {
        if (nanos != socketTimeoutNanos) {
            socketTimeoutNanos = nanos;
            socket.setReadTimeout(Duration.ofNanos(nanos));
        }
    }
}
