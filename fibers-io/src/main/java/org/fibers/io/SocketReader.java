package org.fibers.io;

import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import org.fibers.io.poll.PolledFd;
import org.fibers.io.poll.ThreadWaiter;
import org.fibers.io.poll.Waiter;
import org.fibers.scheduler.Scheduler;
import org.fibers.scheduler.TimerHandle;

/**
 * The input side of a {@link FiberSocket}: a direct read buffer, line reading with a length
 * limit, and the idle (read) timeout. One reading fiber at a time; the timer and close may come
 * from other threads.
 */
final class SocketReader {
    /*
     * Implementation notes.
     *
     * Skipping the failing read. The fd is edge-triggered (see PolledFd). After a read that
     * returned fewer bytes than it asked for, the kernel buffer was empty, and any byte that
     * arrives later produces an edge and thus a new readiness sequence number. So we remember
     * the sequence read before that short read (drainedSeq): while it has not moved, a read
     * would only fail with EAGAIN, and we wait at once instead. In a request/response loop this
     * makes every wake-up cost exactly one successful read(2). One exception: a FIN (or an
     * error) that arrived together with the last bytes announces itself with the same edge, so
     * a short read does not prove that a later read would block. PolledFd.hungUp() is set
     * before that edge's sequence bump, and while it is set we always read.
     *
     * Idle timeout, without a timer per read. A read that waits records its start
     * (waitingSince, also the token of that wait). One timer per socket, armed on demand, looks
     * at it: if the wait has lasted the timeout it expires the waiter (the read throws
     * SocketTimeoutException), otherwise it re-arms for the current wait's deadline, or disarms
     * when nobody waits. Arming is a Dekker handshake: the reader writes waitingSince then reads
     * timerArmed; the timer writes timerArmed = 0 then reads waitingSince; whoever sees the
     * other re-arms, and the CAS on timerArmed lets only one of them do it.
     */

    private final FiberSocket owner;
    private final Socket socket;
    private final PolledFd pfd;
    private final ThreadWaiter waiter = new ThreadWaiter();
    private final int bufferSize;

    /**
     * Received bytes [pos, lim) not consumed yet. Each recv(2) lands in the direct staging
     * buffer and is copied here in one bulk copy, so that line scanning and copies out are
     * plain array code. Both are allocated on the first read.
     */
    private byte[] bytes;
    private ByteBuffer staging;
    /** Native address of {@link #staging} (kept alive by that field): recv without JNI buffer lookups. */
    private long stagingAddress;
    private int pos;
    private int lim;
    private boolean eof;
    /** See the implementation notes. */
    private boolean drained;
    private int drainedSeq;
    /** Line being assembled, grown on demand up to the caller's limit. */
    private byte[] line = new byte[128];

    /** Read timeout in nanoseconds, 0 for none. */
    private volatile long timeoutNanos;
    /**
     * Token (start time) of the read waiting now, or 0; read by the idle timer.
     * <pre>  0 --a read starts waiting--> token --that wait ends--> 0 </pre>
     */
    private volatile long waitingSince;
    private long lastToken;
    /**
     * <pre>  0 --reader or timer: CAS--> 1 (armed) --timer finds nobody waiting--> 0 </pre>
     */
    private volatile int timerArmed;
    private volatile TimerHandle timer;
    private final Runnable idleCheck = this::idleCheck;
    /** Times a read had to wait; reader thread only (racy elsewhere), for tests and introspection. */
    private int waits;

    SocketReader(FiberSocket owner, Socket socket, PolledFd pfd, int bufferSize) {
        this.owner = owner;
        this.socket = socket;
        this.pfd = pfd;
        this.bufferSize = bufferSize;
    }

    void setTimeout(long nanos) {
        timeoutNanos = nanos;
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    /** Bytes buffered now (racy when read by another thread: a hint). */
    int available() {
        return lim - pos;
    }

    boolean atEof() {
        return eof;
    }

    int read(byte[] dst, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == lim && fill() < 0) {
            return -1;
        }
        int n = Math.min(len, lim - pos);
        System.arraycopy(bytes, pos, dst, off, n);
        pos += n;
        return n;
    }

    int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (pos == lim && fill() < 0) {
            return -1;
        }
        int n = Math.min(dst.remaining(), lim - pos);
        dst.put(bytes, pos, n);
        pos += n;
        return n;
    }

    int read() throws IOException {
        if (pos == lim && fill() < 0) {
            return -1;
        }
        return bytes[pos++] & 0xff;
    }

    /**
     * Reads one line (without its '\n') into the internal line buffer.
     *
     * @return the line's length, or -1 at end of stream before any byte; a last line without
     *         '\n' is returned as is
     * @throws LineTooLongException if the line is longer than {@code max} bytes
     */
    int readLine(int max) throws IOException {
        int n = 0;
        for (;;) {
            int i = pos;
            int end = lim;
            byte[] b = bytes;
            while (i < end && b[i] != '\n') {
                i++;
            }
            int len = i - pos;
            if (n + len > max) {
                pos = i; // the bytes seen are consumed; the stream is left mid-line
                throw new LineTooLongException(max);
            }
            if (len > 0) {
                if (n + len > line.length) {
                    line = java.util.Arrays.copyOf(line, Math.min(Math.max(2 * line.length, n + len), Math.max(max, 1)));
                }
                System.arraycopy(b, pos, line, n, len);
                n += len;
            }
            if (i < end) {
                pos = i + 1; // past the newline
                return n;
            }
            pos = end;
            if (fill() < 0) {
                return n == 0 ? -1 : n;
            }
        }
    }

    /** The internal line buffer; valid up to the length readLine returned, until the next read. */
    byte[] lineBytes() {
        return line;
    }

    /** Reads more bytes into the buffer, waiting as needed; returns how many, or -1 at end of stream. */
    private int fill() throws IOException {
        if (eof) {
            return -1;
        }
        if (bytes == null) {
            bytes = new byte[bufferSize];
            staging = ByteBuffer.allocateDirect(bufferSize);
            stagingAddress = io.netty.channel.unix.Buffer.memoryAddress(staging);
        }
        if (pos == lim) {
            pos = lim = 0;
        } else if (lim == bytes.length) {
            System.arraycopy(bytes, pos, bytes, 0, lim - pos); // compact
            lim -= pos;
            pos = 0;
        }
        for (;;) {
            int seq = pfd.seq(PolledFd.READ);
            if (!drained || seq != drainedSeq || pfd.hungUp()) {
                int space = bytes.length - lim;
                int n = readOnce(stagingAddress, space);
                if (n > 0) {
                    staging.get(0, bytes, lim, n);
                    lim += n;
                    drained = n < space;
                    drainedSeq = seq;
                    return n;
                }
                if (n < 0) {
                    eof = true;
                    return -1;
                }
                drained = true; // EAGAIN
                drainedSeq = seq;
            }
            awaitReadable(seq);
        }
    }

    private int readOnce(long address, int len) throws IOException {
        if (!pfd.acquire()) {
            throw IoErrors.closed();
        }
        try {
            // recvfrom(2): skips the VFS layer read(2) goes through; by address, as Netty's own
            // channels do, so the JNI call needs no GetDirectBufferAddress on a buffer object
            return socket.recvAddress(address, 0, len);
        } catch (IOException e) {
            throw IoErrors.translate(e);
        } finally {
            pfd.release();
        }
    }

    int waits() {
        return waits;
    }

    private void awaitReadable(int seq) throws IOException {
        waits++;
        long timeout = timeoutNanos;
        long token;
        if (timeout > 0) {
            long now = System.nanoTime();
            token = now - lastToken > 0 ? now : lastToken + 1;
            lastToken = token;
            waitingSince = token;
            if (timerArmed == 0 && TIMER_ARMED.compareAndSet(this, 0, 1)) {
                armTimer(token + timeout); // we armed it
            }
            // else: armed already; it will look at our waitingSince
        } else {
            token = 0;
        }
        int r;
        try {
            r = pfd.await(waiter, PolledFd.READ, seq, false, token);
        } finally {
            if (timeout > 0) {
                waitingSince = 0;
            }
        }
        if (r == Waiter.CLOSED) {
            throw IoErrors.closedWhileWaiting();
        }
        if (r == Waiter.TIMED_OUT) {
            throw new SocketTimeoutException("no data from " + owner.describePeer() + " for "
                    + timeout / 1_000_000 + " ms");
        }
    }

    private void armTimer(long deadline) {
        timer = Scheduler.timerScheduler().scheduleAt(deadline, idleCheck);
    }

    /** The idle timer; see the implementation notes. Runs on some scheduler's carrier. */
    private void idleCheck() {
        if (!pfd.isOpen()) {
            timerArmed = 0;
            return;
        }
        long timeout = timeoutNanos;
        long since = waitingSince;
        if (since != 0 && timeout > 0) {
            if (System.nanoTime() - since < timeout) {
                armTimer(since + timeout); // still within its time: look again at its deadline
                return;
            }
            pfd.expire(waiter, since); // that wait is over; if it just ended anyway, nothing happens
        }
        timerArmed = 0;
        long again = waitingSince;
        if (again != 0 && again != since && timeoutNanos > 0 && TIMER_ARMED.compareAndSet(this, 0, 1)) {
            armTimer(again + timeoutNanos); // a new wait started and saw us armed: it is ours again
        }
    }

    /** Stops the idle timer (on close). */
    void cancelTimer() {
        TimerHandle t = timer;
        if (t != null) {
            t.cancel();
        }
    }

    // VarHandle mechanics
    private static final VarHandle TIMER_ARMED;

    static {
        try {
            TIMER_ARMED = MethodHandles.lookup().findVarHandle(SocketReader.class, "timerArmed", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
