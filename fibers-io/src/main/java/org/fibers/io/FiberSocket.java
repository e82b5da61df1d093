package org.fibers.io;

import io.netty.channel.epoll.LinuxSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.fibers.io.blocking.Resolver;
import org.fibers.io.poll.EpollSupport;
import org.fibers.io.poll.PolledFd;
import org.fibers.io.poll.ThreadWaiter;
import org.fibers.io.poll.Waiter;
import org.fibers.scheduler.Scheduler;
import org.fibers.scheduler.TimerHandle;

/**
 * A TCP connection whose reads and writes suspend the calling fiber (or block a plain thread)
 * instead of blocking its carrier: Guile's suspendable socket port. Input is buffered (with
 * line reading and a maximum line length); output is buffered until {@link #flush()}.
 *
 * <p>Defaults: TCP_NODELAY on (we buffer ourselves, as Guile's ping example does), 8 KiB
 * buffers, no read timeout, no connect timeout unless {@link #connect(InetSocketAddress, Duration)} gives one,
 * lines of at most 64 KiB.
 *
 * <p>Buffers are held only while they work. The 8 KiB native read buffer is borrowed when a read
 * has to call recv(2) and given back as soon as a read leaves it empty; the write
 * buffer is borrowed by the first write and given back by the flush that empties it. So a
 * connection waiting for its next request holds no buffer at all (one only while a partial
 * message sits in it), and {@link #close()} gives back whatever it holds at once, discarding
 * unflushed output. The memory is Netty's cleanable direct memory (malloc on JDK 22+), freed
 * explicitly, never by the GC's cleaners; a small striped pool keeps up to 16 free buffers per
 * stripe (2 x cores stripes, at least 4; {@code -Dfibers.io.pooledBuffers=N} per stripe) for
 * the next borrower. The choice was measured with PingComparison and ConnectionFootprint (see
 * the README, "Connections at scale"): the pool costs nothing measurable per round trip (the
 * ping server's CPU per round trip over the loom-floor server's: median 0.995x over six runs,
 * 0.98x with the per-socket buffers it replaced, on a shared machine), while allocating and
 * freeing per borrow cost 1.05-1.06x; per-socket buffers pinned 16 KiB of native memory per
 * idle connection until a GC ran their cleaners, the pool pins none.
 *
 * <p>Thread-safety: one fiber may read while another writes; two concurrent readers (or
 * writers) are a mistake and the second fails at once with an {@link IllegalStateException}. {@link #close()} may be called from anywhere and wakes both sides with
 * {@link java.nio.channels.AsynchronousCloseException}. A fiber cancelled while it waits gets
 * {@link org.fibers.FiberCancelledException}.
 */
public final class FiberSocket extends FiberPort {
    /*
     * Implementation notes. The input side (SocketReader) and output side (SocketWriter) each
     * belong to one fiber at a time and share nothing but the PolledFd, whose reader and writer
     * lists are separate; so a reader and a writer never contend except on the fd's short lock.
     * Every system call runs between pfd.acquire() and pfd.release(), so close() from another
     * thread never lets a call reach a recycled descriptor number. A read that would block
     * costs no system call at all when an edge-triggered short read already proved the socket
     * empty (see SocketReader); a flush that fills the send buffer waits for the EPOLLOUT edge.
     * Each side borrows its native buffer from BufferPool only while bytes sit in it; a use
     * word per side (IDLE / ACTIVE / CLOSED) makes close() and the side at work agree on who
     * gives a buffer back, so none is freed under a system call or a copy.
     */
    /** Size of the read buffer and of the write buffer (borrowed only while in use, see above). */
    public static final int DEFAULT_BUFFER_SIZE = 8192;
    /** Default limit of {@link #readLine()}. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

    private final LinuxSocket socket;
    private final SocketReader in;
    private final SocketWriter out;
    private volatile InetSocketAddress remote;
    private volatile int maxLineLength = DEFAULT_MAX_LINE_LENGTH;

    FiberSocket(LinuxSocket socket, InetSocketAddress remote) {
        super(new PolledFd(socket));
        this.socket = socket;
        this.remote = remote;
        this.in = new SocketReader(this, socket, pfd);
        this.out = new SocketWriter(this, socket, pfd);
    }

    /** Wraps a descriptor returned by accept(2), with TCP_NODELAY on. */
    static FiberSocket accepted(int fd) {
        FiberSocket s = new FiberSocket(LinuxSocket.newSocket(fd), null);
        try {
            s.socket.setTcpNoDelay(true);
        } catch (IOException ignored) {
            // the peer may already be gone; the first read or write will say so
        }
        return s;
    }

    // ------------------------------------------------------------------ connecting

    /**
     * Opens a connection to {@code remote}, suspending the caller until it is established. An
     * unresolved address is resolved on the resolver's thread pool first.
     *
     * @param remote the address to connect to; resolved first if unresolved
     * @return the connected socket, with the defaults of the class comment
     * @throws java.net.ConnectException if refused or unreachable
     */
    public static FiberSocket connect(InetSocketAddress remote) throws IOException {
        Objects.requireNonNull(remote, "remote");
        if (remote.isUnresolved()) {
            return connect(remote.getHostString(), remote.getPort());
        }
        EpollSupport.ensureAvailable();
        Scheduler.preemptionPoint();
        LinuxSocket s = LinuxSocket.newSocketStream(remote.getAddress() instanceof Inet6Address);
        FiberSocket fs = new FiberSocket(s, remote);
        boolean ok = false;
        try {
            s.setTcpNoDelay(true);
            fs.finishConnecting(remote);
            ok = true;
            return fs;
        } finally {
            if (!ok) {
                fs.close();
            }
        }
    }

    /**
     * Resolves {@code host} on the resolver's thread pool (the caller's carrier never blocks in
     * getaddrinfo) and connects to the first address that accepts.
     * When every address fails, the last failure is thrown with the earlier ones suppressed.
     *
     * @param host a host name or address literal
     * @param port the TCP port
     * @return the connected socket
     * @throws java.net.UnknownHostException if {@code host} does not resolve
     * @throws IOException if no address accepted the connection
     */
    public static FiberSocket connect(String host, int port) throws IOException {
        InetAddress[] addresses = Resolver.resolve(host);
        IOException last = null;
        for (InetAddress a : addresses) {
            try {
                return connect(new InetSocketAddress(a, port));
            } catch (IOException e) {
                if (last != null) {
                    e.addSuppressed(last);
                }
                last = e;
            }
        }
        throw last;
    }

    /**
     * {@link #connect(InetSocketAddress)} bounded in time: when the connection is not
     * established within {@code timeout} (a host that drops the SYNs, a listener whose accept
     * queue is full), the attempt is abandoned, its socket closed, and a
     * {@link SocketTimeoutException} thrown. Without a bound the kernel's own connect
     * timeout applies, about two minutes on Linux. An unresolved address is resolved first, and
     * its addresses are tried in turn within the same time.
     *
     * @param remote  the address to connect to
     * @param timeout the longest the connect may take; zero or negative for no bound
     * @return the connected socket
     * @throws SocketTimeoutException if not connected within {@code timeout}
     * @throws java.net.ConnectException if refused or unreachable
     */
    public static FiberSocket connect(InetSocketAddress remote, Duration timeout) throws IOException {
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            return connect(remote);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!remote.isUnresolved()) {
            return connectBefore(remote, deadline, timeout);
        }
        IOException last = null;
        for (InetAddress a : Resolver.resolve(remote.getHostString())) {
            try {
                return connectBefore(new InetSocketAddress(a, remote.getPort()), deadline, timeout);
            } catch (IOException e) {
                if (last != null) {
                    e.addSuppressed(last);
                }
                last = e;
            }
        }
        throw last != null ? last : new UnknownHostException(remote.getHostString());
    }

    /*
     * A timer on the caller's scheduler (or the shared timer scheduler for a plain thread) closes
     * the socket at the deadline, which wakes the connect with a "closed" failure. Who wins is
     * settled by one CAS on the attempt's state, so a socket that connected just as the timer
     * fired is never handed out closed:
     *
     *   CONNECTING --connected (caller)--> CONNECTED      the timer, if it runs later, does nothing
     *   CONNECTING --deadline (timer)----> EXPIRED        socket closed; the caller throws a timeout
     */
    private static final int CONNECTING = 0;
    private static final int CONNECTED = 1;
    private static final int EXPIRED = 2;

    private static FiberSocket connectBefore(InetSocketAddress remote, long deadline, Duration timeout) throws IOException {
        if (deadline - System.nanoTime() <= 0) {
            throw connectTimedOut(remote, timeout);
        }
        EpollSupport.ensureAvailable();
        Scheduler.preemptionPoint();
        LinuxSocket s = LinuxSocket.newSocketStream(remote.getAddress() instanceof Inet6Address);
        FiberSocket fs = new FiberSocket(s, remote);
        AtomicInteger state = new AtomicInteger(CONNECTING);
        TimerHandle timer = Scheduler.timerScheduler().scheduleAt(deadline, () -> {
            if (state.compareAndSet(CONNECTING, EXPIRED)) {
                fs.close();
            }
        });
        boolean ok = false;
        try {
            s.setTcpNoDelay(true);
            fs.finishConnecting(remote);
            if (!state.compareAndSet(CONNECTING, CONNECTED)) {
                throw connectTimedOut(remote, timeout);
            }
            ok = true;
            return fs;
        } catch (IOException e) {
            if (state.get() == EXPIRED) {
                SocketTimeoutException t = connectTimedOut(remote, timeout);
                t.initCause(e);
                throw t;
            }
            throw e;
        } finally {
            timer.cancel();
            if (!ok) {
                fs.close();
            }
        }
    }

    private static SocketTimeoutException connectTimedOut(InetSocketAddress remote, Duration timeout) {
        return new SocketTimeoutException("connect to " + remote + " timed out after " + timeout.toMillis() + " ms");
    }

    private void finishConnecting(InetSocketAddress address) throws IOException {
        ThreadWaiter waiter = new ThreadWaiter();
        int seq = pfd.seq(PolledFd.WRITE);
        boolean done = call(() -> socket.connect(address));
        while (!done) {
            if (pfd.await(waiter, PolledFd.WRITE, seq, false, 0) == Waiter.CLOSED) {
                throw IoErrors.closedWhileWaiting();
            }
            seq = pfd.seq(PolledFd.WRITE);
            // finishConnect() reports success for SO_ERROR == 0, which is also true while still
            // connecting (a spurious wake-up); getpeername tells the two apart.
            done = call(() -> socket.finishConnect() && socket.remoteAddress() != null);
        }
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads up to {@code len} bytes, waiting until at least one is available.
     *
     * @param dst where to put the bytes
     * @param off the index in {@code dst} of the first byte
     * @param len the most bytes to read
     * @return the number of bytes read, or -1 at end of stream
     * @throws java.net.SocketTimeoutException if the read timeout passed with no byte received
     * @throws IOException if the socket is closed, was reset, or the read failed
     */
    public int read(byte[] dst, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, dst.length);
        Scheduler.preemptionPoint();
        return in.read(dst, off, len);
    }

    /**
     * Reads into {@code dst}'s remaining space; -1 at end of stream.
     *
     * @param dst where to put the bytes; its position advances by the count read
     * @return the number of bytes read, or -1 at end of stream
     * @throws IOException if the socket is closed, was reset, or the read failed (a timeout
     *        included)
     */
    public int read(ByteBuffer dst) throws IOException {
        Scheduler.preemptionPoint();
        return in.read(dst);
    }

    /**
     * Reads one byte (0-255), or -1 at end of stream.
     *
     * @return the byte, or -1 at end of stream
     * @throws IOException if the socket is closed, was reset, or the read failed (a timeout
     *        included)
     */
    public int read() throws IOException {
        return in.read();
    }

    /**
     * Reads exactly {@code len} bytes; throws {@link java.io.EOFException} if the stream ends
     * first.
     *
     * @param dst where to put the bytes
     * @param off the index in {@code dst} of the first byte
     * @param len how many bytes to read
     * @throws IOException if the socket is closed, was reset, or the read failed (a timeout
     *        included)
     */
    public void readFully(byte[] dst, int off, int len) throws IOException {
        while (len > 0) {
            int n = read(dst, off, len);
            if (n < 0) {
                throw new java.io.EOFException("connection closed by " + describePeer() + " with "
                        + len + " bytes still expected");
            }
            off += n;
            len -= n;
        }
    }

    /**
     * Reads a line terminated by '\n' and decodes it as UTF-8, without the '\n' (a '\r' before
     * it is kept, as Guile's read-line does). A last line without a newline is returned as is.
     *
     * @return the line, or null at end of stream
     * @throws LineTooLongException if the line is longer than {@link #maxLineLength()} bytes;
     *         the rest of that line is left unread, so the connection is best closed
     */
    public String readLine() throws IOException {
        Scheduler.preemptionPoint();
        int n = in.readLine(maxLineLength);
        return n < 0 ? null : new String(in.lineBytes(), 0, n, StandardCharsets.UTF_8);
    }

    /**
     * Reads a line (without its '\n') into {@code dst}, allowing at most {@code dst.length}
     * bytes. Allocation-free.
     *
     * @param dst where to put the line's bytes, from index 0
     * @return the line's length, or -1 at end of stream
     * @throws LineTooLongException if the line does not fit in {@code dst}
     */
    public int readLine(byte[] dst) throws IOException {
        Scheduler.preemptionPoint();
        return in.readLine(dst, dst.length);
    }

    /**
     * Bytes that can be read without waiting, as far as the buffer knows.
     *
     * @return the count of buffered bytes not read yet; 0 says nothing of the socket itself
     */
    public int available() {
        return in.available();
    }

    @Override
    boolean readyToRead() {
        return in.available() > 0 || in.atEof();
    }

    // ------------------------------------------------------------------ writing

    /**
     * Buffers {@code len} bytes, writing out whatever the buffer cannot hold.
     * Suspends the caller while the socket's send buffer is full.
     *
     * @param src the bytes
     * @param off the index in {@code src} of the first byte
     * @param len how many bytes to write
     * @throws IOException if the socket is closed, was reset, or the write failed
     */
    public void write(byte[] src, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, src.length);
        Scheduler.preemptionPoint();
        out.write(src, off, len);
    }

    /**
     * Buffers all of {@code src}, as {@link #write(byte[], int, int)} does.
     *
     * @param src the bytes
     * @throws IOException if the socket is closed, was reset, or the write failed
     */
    public void write(byte[] src) throws IOException {
        write(src, 0, src.length);
    }

    /**
     * Buffers {@code src}'s remaining bytes.
     *
     * @param src the bytes; its position advances to its limit
     * @throws IOException if the socket is closed, was reset, or the write failed
     */
    public void write(ByteBuffer src) throws IOException {
        Scheduler.preemptionPoint();
        out.write(src);
    }

    /**
     * Buffers one byte.
     *
     * @param octet the byte, in the low 8 bits
     * @throws IOException if the socket is closed, was reset, or the write failed
     */
    public void write(int octet) throws IOException {
        out.write(octet);
    }

    /**
     * Buffers {@code text} encoded as UTF-8.
     *
     * @param text the text; no newline is added
     * @throws IOException if the socket is closed, was reset, or the write failed
     */
    public void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes every buffered byte out, suspending while the socket's send buffer is full.
     *
     * @throws IOException if the socket is closed, was reset, or the write failed
     */
    public void flush() throws IOException {
        Scheduler.preemptionPoint();
        out.flush();
    }

    /**
     * Half-close: flushes, then shuts the sending direction down, so the peer reads end of
     * stream while this side can still read.
     *
     * @throws IOException if the socket is closed or the flush failed
     */
    public void shutdownOutput() throws IOException {
        flush();
        call(() -> {
            socket.shutdown(false, true);
            return true;
        });
    }

    /**
     * Shuts the receiving direction down; later reads see end of stream.
     *
     * @throws IOException if the socket is closed
     */
    public void shutdownInput() throws IOException {
        call(() -> {
            socket.shutdown(true, false);
            return true;
        });
    }

    /**
     * Closes the connection at once: buffered output that was not flushed is discarded (call
     * {@link #flush()} first), and fibers waiting to read or write wake with
     * {@link java.nio.channels.AsynchronousCloseException}.
     */
    @Override
    public void close() {
        in.cancelTimer();
        super.close();
        in.close();
        out.close();
    }

    // ------------------------------------------------------------------ options

    /**
     * Sets TCP_NODELAY (on by default: this socket buffers output itself until {@link #flush()}).
     *
     * @param on true to send each flush at once, false to let Nagle's algorithm coalesce
     * @throws IOException if the socket is closed or the option cannot be set
     */
    public void setTcpNoDelay(boolean on) throws IOException {
        call(() -> {
            socket.setTcpNoDelay(on);
            return true;
        });
    }

    /**
     * {@return whether TCP_NODELAY is on}
     *
     * @throws IOException if the socket is closed
     */
    public boolean getTcpNoDelay() throws IOException {
        return call(socket::isTcpNoDelay);
    }

    /**
     * Sets SO_KEEPALIVE (off by default): the kernel probes an idle connection and resets it when
     * the peer is gone.
     *
     * @param on whether to send keep-alive probes
     * @throws IOException if the socket is closed or the option cannot be set
     */
    public void setKeepAlive(boolean on) throws IOException {
        call(() -> {
            socket.setKeepAlive(on);
            return true;
        });
    }

    /**
     * SO_LINGER in seconds; 0 makes {@link #close()} reset the connection; negative turns it off.
     *
     * @param seconds how long close lingers to send unsent data
     * @throws IOException if the socket is closed or the option cannot be set
     */
    public void setSoLinger(int seconds) throws IOException {
        call(() -> {
            socket.setSoLinger(seconds);
            return true;
        });
    }

    /**
     * Sets SO_RCVBUF, the kernel's receive buffer (the kernel may round or double it).
     *
     * @param bytes the requested size
     * @throws IOException if the socket is closed or the option cannot be set
     */
    public void setReceiveBufferSize(int bytes) throws IOException {
        call(() -> {
            socket.setReceiveBufferSize(bytes);
            return true;
        });
    }

    /**
     * Sets SO_SNDBUF, the kernel's send buffer (the kernel may round or double it).
     *
     * @param bytes the requested size
     * @throws IOException if the socket is closed or the option cannot be set
     */
    public void setSendBufferSize(int bytes) throws IOException {
        call(() -> {
            socket.setSendBufferSize(bytes);
            return true;
        });
    }

    /**
     * Idle timeout for reads: a read that waits this long without receiving a byte fails with
     * {@link SocketTimeoutException} (the socket stays usable). Zero or null turns it
     * off. Costs no timer per read (see SocketReader).
     * Takes effect from the next read that waits.
     *
     * @param timeout the idle timeout; zero, negative or null for none
     */
    public void setReadTimeout(Duration timeout) {
        in.setTimeout(timeout == null || timeout.isNegative() ? 0 : timeout.toNanos());
    }

    /** {@return the read timeout; {@link Duration#ZERO} when there is none} */
    public Duration getReadTimeout() {
        return Duration.ofNanos(in.timeoutNanos());
    }

    /**
     * Limit of {@link #readLine()} in bytes (the '\n' not counted).
     * The default is 64 KiB.
     *
     * @param bytes the longest line {@link #readLine()} accepts; at least 1
     * @throws IllegalArgumentException if {@code bytes} is less than 1
     */
    public void setMaxLineLength(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("maximum line length must be positive: " + bytes);
        }
        maxLineLength = bytes;
    }

    /** {@return the longest line, in bytes, that {@link #readLine()} accepts} */
    public int maxLineLength() {
        return maxLineLength;
    }

    /**
     * {@return the peer's address; after {@link #close()}, the one read before, or null if none
     * was}
     */
    public InetSocketAddress remoteAddress() {
        InetSocketAddress r = remote;
        if (r == null && pfd.acquire()) {
            try {
                r = remote = socket.remoteAddress();
            } finally {
                pfd.release();
            }
        }
        return r;
    }

    /**
     * {@return the local address and port of this connection}
     *
     * @throws IOException if the socket is closed
     */
    public InetSocketAddress localAddress() throws IOException {
        return call(socket::localAddress);
    }

    /** How often reads and flushes had to wait (racy snapshots; for tests and introspection). */
    int readWaits() {
        return in.waits();
    }

    int writeWaits() {
        return out.waits();
    }

    /**
     * Native memory held by the read and write buffers of all sockets in this JVM now, in bytes:
     * those borrowed by sockets with bytes in them, plus the few the pool keeps for reuse.
     *
     * @return the bytes of native memory in socket buffers
     */
    public static long nativeBufferBytes() {
        return BufferPool.liveBytes();
    }

    /**
     * The part of {@link #nativeBufferBytes()} that no socket holds: free buffers the pool keeps
     * for reuse (at most 16 per stripe), in bytes.
     *
     * @return the bytes of native memory in free pooled buffers
     */
    public static long pooledBufferBytes() {
        return BufferPool.kept() * BufferPool.SIZE;
    }

    /** Buffers this socket holds now: 0, 1 or 2 (racy snapshot; for tests and introspection). */
    int heldBuffers() {
        return (in.holdsBuffer() ? 1 : 0) + (out.holdsBuffer() ? 1 : 0);
    }

    String describePeer() {
        InetSocketAddress r = remote;
        return r == null ? "the peer" : r.toString();
    }

    // ------------------------------------------------------------------ streams

    /**
     * This socket's input as an {@link InputStream} (buffered already; closing it closes the
     * socket).
     *
     * @return a new stream view; its reads go through this socket's buffer, in order with this
     *        socket's own reads
     */
    public InputStream inputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                return FiberSocket.this.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return FiberSocket.this.read(b, off, len);
            }

            @Override
            public int available() {
                return FiberSocket.this.available();
            }

            @Override
            public void close() {
                FiberSocket.this.close();
            }
        };
    }

    /**
     * This socket's output as an {@link OutputStream} (buffered; flush it; closing it flushes and
     * closes the socket).
     *
     * @return a new stream view of this socket's output buffer
     */
    public OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                FiberSocket.this.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                FiberSocket.this.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                FiberSocket.this.flush();
            }

            @Override
            public void close() throws IOException {
                try {
                    FiberSocket.this.flush();
                } finally {
                    FiberSocket.this.close();
                }
            }
        };
    }

    /** Runs one short system call with the descriptor pinned open. */
    private <T> T call(NativeCall<T> c) throws IOException {
        if (!pfd.acquire()) {
            throw IoErrors.closed();
        }
        try {
            return c.run();
        } catch (IOException e) {
            throw IoErrors.translate(e);
        } finally {
            pfd.release();
        }
    }

    @FunctionalInterface
    private interface NativeCall<T> {
        T run() throws IOException;
    }
}
