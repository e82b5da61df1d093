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
 * The input side of a {@link FiberSocket}: a pooled native read buffer, line reading with a
 * length limit, and the idle (read) timeout. One reading fiber at a time; the timer and close may
 * come from other threads.
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
     *
     * The buffer is borrowed from BufferPool when a read needs recv(2) and given back whenever
     * it is empty: when a read call leaves it empty, and before a read waits with nothing
     * buffered (in the middle of readLine). So a connection holds a buffer only while received
     * bytes sit in it. close() may come from any thread while the reader works: the use word (below)
     * decides who gives the buffer back, the closer (the reader was idle) or the reader on its
     * way out (it was inside a read), so a buffer is never freed while recv(2) fills it.
     */

    private final FiberSocket owner;
    private final Socket socket;
    private final PolledFd pfd;
    private final ThreadWaiter waiter = new ThreadWaiter();

    /**
     * Who may touch the buffer.
     * <pre>  IDLE --a read starts: CAS--> ACTIVE --it ends: CAS--> IDLE
     *   IDLE --close: CAS--> CLOSED (the closer gives the buffer back)
     *   ACTIVE --close: CAS--> CLOSED (the reader gives it back as it leaves) </pre>
     */
    private volatile int use;
    static final int IDLE = 0;
    static final int ACTIVE = 1;
    static final int CLOSED = 2;

    /** The borrowed buffer, or null (always null while the reader waits with nothing buffered). */
    private BufferPool.Lease lease;
    /**
     * Received bytes [pos, lim) not consumed yet, in the lease's native buffer, which recv(2)
     * fills in place: no staging copy. Only absolute get/put are used.
     */
    private ByteBuffer buf;
    /** Native address of {@link #buf}: recv without JNI buffer lookups. */
    private long bufAddress;
    private int pos;
    private int lim;
    private boolean eof;
    /** See the implementation notes. */
    private boolean drained;
    private int drainedSeq;
    /** Line being assembled by {@link #readLine(int)}, grown on demand up to the caller's limit. */
    private byte[] line;

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
    /** Times a read had to wait; reader thread only (racy elsewhere), for tests and introspection. */
    private int waits;

    SocketReader(FiberSocket owner, Socket socket, PolledFd pfd) {
        this.owner = owner;
        this.socket = socket;
        this.pfd = pfd;
    }

    /** Starts a read: the buffer is ours until {@link #leave()}. */
    private void enter() throws IOException {
        if (!USE.compareAndSet(this, IDLE, ACTIVE)) { // IDLE->ACTIVE: ours
            if (use == CLOSED) {
                throw IoErrors.closed();
            }
            throw new IllegalStateException("two fibers are reading " + owner + " at the same time");
        }
    }

    /** Ends a read; if the socket was closed meanwhile, gives the buffer back. */
    private void leave() {
        if (pos == lim) {
            dropBuffer(); // every byte consumed: hold nothing until the next read needs recv(2)
        }
        if (!USE.compareAndSet(this, ACTIVE, IDLE)) { // ACTIVE->CLOSED happened: the closer left it to us
            dropBuffer();
        }
    }

    /** On close: gives the buffer back now, or leaves that to the read at work. Any thread, once. */
    void close() {
        for (;;) {
            int u = use;
            if (u == CLOSED) {
                return;
            }
            if (USE.compareAndSet(this, u, CLOSED)) {
                if (u == IDLE) {
                    dropBuffer(); // no read at work: ours to give back
                }
                return; // else ACTIVE: the reader gives it back in leave()
            }
            // a read started or ended meanwhile: look again
        }
    }

    /** True if a buffer is borrowed now (racy; for tests and introspection). */
    boolean holdsBuffer() {
        return lease != null;
    }

    private void takeBuffer() {
        BufferPool.Lease l = BufferPool.borrow();
        lease = l;
        buf = l.buffer;
        bufAddress = l.address;
    }

    private void dropBuffer() {
        BufferPool.Lease l = lease;
        if (l != null) {
            lease = null;
            buf = null;
            bufAddress = 0;
            BufferPool.giveBack(l);
        }
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
        enter();
        try {
            if (pos == lim && fill() < 0) {
                return -1;
            }
            int n = Math.min(len, lim - pos);
            buf.get(pos, dst, off, n);
            pos += n;
            return n;
        } finally {
            leave();
        }
    }

    int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        enter();
        try {
            if (pos == lim && fill() < 0) {
                return -1;
            }
            int n = Math.min(dst.remaining(), lim - pos);
            dst.put(dst.position(), buf, pos, n);
            dst.position(dst.position() + n);
            pos += n;
            return n;
        } finally {
            leave();
        }
    }

    int read() throws IOException {
        enter();
        try {
            if (pos == lim && fill() < 0) {
                return -1;
            }
            return buf.get(pos++) & 0xff;
        } finally {
            leave();
        }
    }

    /**
     * Reads one line (without its '\n') into the internal line buffer, see {@link #lineBytes()}.
     *
     * @return the line's length, or -1 at end of stream before any byte; a last line without
     *         '\n' is returned as is
     * @throws LineTooLongException if the line is longer than {@code max} bytes
     */
    int readLine(int max) throws IOException {
        return readLine(null, max);
    }

    /**
     * Reads one line (without its '\n') into {@code dst}, which must hold {@code max} bytes, or
     * into the internal line buffer (grown on demand) when {@code dst} is null.
     */
    int readLine(byte[] dst, int max) throws IOException {
        enter();
        try {
            return readLineEntered(dst, max);
        } finally {
            leave();
        }
    }

    private int readLineEntered(byte[] dst, int max) throws IOException {
        int n = 0;
        for (;;) {
            int end = lim;
            int i = pos == end ? end : indexOfNewline(buf, pos, end);
            int len = i - pos;
            if (n + len > max) {
                pos = i; // the bytes seen are consumed; the stream is left mid-line
                throw new LineTooLongException(max);
            }
            if (len > 0) {
                byte[] to = dst;
                if (to == null) {
                    if (line == null) {
                        line = new byte[Math.min(Math.max(128, len), Math.max(max, 1))];
                    }
                    if (n + len > line.length) {
                        line = java.util.Arrays.copyOf(line, Math.min(Math.max(2 * line.length, n + len), Math.max(max, 1)));
                    }
                    to = line;
                }
                buf.get(pos, to, n, len);
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

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long NEWLINES = ONES * '\n';

    /**
     * Index of the first '\n' in [from, to) of {@code b}, or {@code to}: eight bytes at a time
     * (the classic "has zero byte" test on the word XOR a word of newlines; the lowest flagged
     * byte is exact, false flags only appear above a true one), then byte by byte.
     */
    static int indexOfNewline(ByteBuffer b, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = b.getLong(i) ^ NEWLINES;
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        while (i < to && b.get(i) != '\n') {
            i++;
        }
        return i;
    }

    /** The internal line buffer; valid up to the length readLine returned, until the next read. */
    byte[] lineBytes() {
        byte[] l = line;
        return l != null ? l : EMPTY;
    }

    private static final byte[] EMPTY = new byte[0];

    /** Reads more bytes into the buffer, waiting as needed; returns how many, or -1 at end of stream. */
    private int fill() throws IOException {
        if (eof) {
            return -1;
        }
        if (pos == lim) {
            pos = lim = 0;
        } else if (lim == BufferPool.SIZE) {
            buf.limit(lim).position(pos);
            buf.compact(); // moves [pos, lim) to the front
            buf.clear();
            lim -= pos;
            pos = 0;
        }
        for (;;) {
            int seq = pfd.seq(PolledFd.READ);
            if (!drained || seq != drainedSeq || pfd.hungUp()) {
                if (buf == null) {
                    takeBuffer();
                }
                int space = BufferPool.SIZE - lim;
                int n = readOnce(lim, BufferPool.SIZE);
                if (n > 0) {
                    lim += n;
                    drained = n < space;
                    drainedSeq = seq;
                    return n;
                }
                if (n < 0) {
                    eof = true;
                    if (pos == lim) {
                        dropBuffer(); // nothing more will come
                    }
                    return -1;
                }
                drained = true; // EAGAIN
                drainedSeq = seq;
            }
            if (pos == lim) {
                dropBuffer(); // nothing buffered: wait without a buffer
            }
            awaitReadable(seq);
        }
    }

    /** One recv(2) into buf's bytes [from, to). */
    private int readOnce(int from, int to) throws IOException {
        if (!pfd.acquire()) {
            throw IoErrors.closed();
        }
        try {
            // recvfrom(2): skips the VFS layer read(2) goes through; by address, as Netty's own
            // channels do, so the JNI call needs no GetDirectBufferAddress on a buffer object
            return socket.recvAddress(bufAddress, from, to);
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
        timer = Scheduler.timerScheduler().scheduleAt(deadline, this::idleCheck);
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
    private static final VarHandle USE;

    static {
        try {
            TIMER_ARMED = MethodHandles.lookup().findVarHandle(SocketReader.class, "timerArmed", int.class);
            USE = MethodHandles.lookup().findVarHandle(SocketReader.class, "use", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
