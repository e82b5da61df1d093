package org.fibers.io;

import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import org.fibers.io.poll.PolledFd;
import org.fibers.io.poll.ThreadWaiter;
import org.fibers.io.poll.Waiter;

/**
 * The output side of a {@link FiberSocket}: a pooled native write buffer that {@link #flush()}
 * empties into the socket, suspending the writing fiber while the socket's send buffer is full.
 * One writing fiber at a time; close may come from any thread.
 */
final class SocketWriter {
    /*
     * Implementation notes. The buffer is borrowed from BufferPool by the first write after a
     * flush and given back when a flush has sent everything, so a connection with nothing to
     * send holds none. As in SocketReader, the use word decides whether close() or the writer
     * at work gives the buffer back, so it is never freed under a send(2) or a copy into it.
     */
    private final Socket socket;
    private final PolledFd pfd;
    /** Made by the first flush that has to wait (most connections never fill a send buffer). */
    private ThreadWaiter waiter;
    private final FiberSocket owner;

    /**
     * Who may touch the buffer (values of SocketReader).
     * <pre>  IDLE --a write or flush starts: CAS--> ACTIVE --it ends: CAS--> IDLE
     *   IDLE --close: CAS--> CLOSED (the closer gives the buffer back)
     *   ACTIVE --close: CAS--> CLOSED (the writer gives it back as it leaves) </pre>
     */
    private volatile int use;

    /** The borrowed buffer, or null; bytes [pos, lim) of {@link #buf} are not written out yet. */
    private BufferPool.Lease lease;
    private ByteBuffer buf;
    /** Native address of {@link #buf}: send without JNI buffer lookups. */
    private long bufAddress;
    private int pos;
    private int lim;
    /** Times a flush had to wait for the send buffer; writer thread only, for tests and introspection. */
    private int waits;

    SocketWriter(FiberSocket owner, Socket socket, PolledFd pfd) {
        this.owner = owner;
        this.socket = socket;
        this.pfd = pfd;
    }

    int waits() {
        return waits;
    }

    /** Bytes buffered and not yet flushed. */
    int pending() {
        return lim - pos;
    }

    /** True if a buffer is borrowed now (racy; for tests and introspection). */
    boolean holdsBuffer() {
        return lease != null;
    }

    void write(byte[] src, int off, int len) throws IOException {
        enter();
        try {
            ByteBuffer b = buffer();
            while (len > 0) {
                int space = BufferPool.SIZE - lim;
                if (space == 0) {
                    send();
                    space = BufferPool.SIZE;
                }
                int n = Math.min(space, len);
                b.put(lim, src, off, n);
                lim += n;
                off += n;
                len -= n;
            }
        } finally {
            leave();
        }
    }

    void write(ByteBuffer src) throws IOException {
        enter();
        try {
            ByteBuffer b = buffer();
            while (src.hasRemaining()) {
                int space = BufferPool.SIZE - lim;
                if (space == 0) {
                    send();
                    space = BufferPool.SIZE;
                }
                int n = Math.min(space, src.remaining());
                b.put(lim, src, src.position(), n);
                src.position(src.position() + n);
                lim += n;
            }
        } finally {
            leave();
        }
    }

    void write(int octet) throws IOException {
        enter();
        try {
            ByteBuffer b = buffer();
            if (lim == BufferPool.SIZE) {
                send();
            }
            b.put(lim++, (byte) octet);
        } finally {
            leave();
        }
    }

    /** Writes every buffered byte to the socket, then gives the buffer back. */
    void flush() throws IOException {
        enter();
        try {
            send();
            dropBuffer();
        } finally {
            leave();
        }
    }

    /**
     * Writes every buffered byte. A short write means the send buffer is full: the fiber then
     * waits for the EPOLLOUT edge that comes when it drains (the readiness sequence is read
     * before the write, so that edge cannot be missed).
     */
    private void send() throws IOException {
        while (pos < lim) {
            int seq = pfd.seq(PolledFd.WRITE);
            pos += writeOnce(pos, lim);
            if (pos < lim) {
                waits++;
                if (waiter == null) {
                    waiter = new ThreadWaiter();
                }
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
            BufferPool.Lease l = BufferPool.borrow();
            lease = l;
            b = buf = l.buffer;
            bufAddress = l.address;
        }
        return b;
    }

    private void dropBuffer() {
        BufferPool.Lease l = lease;
        if (l != null) {
            lease = null;
            buf = null;
            bufAddress = 0;
            pos = lim = 0;
            BufferPool.giveBack(l);
        }
    }

    /** Starts a write or flush: the buffer is ours until {@link #leave()}. */
    private void enter() throws IOException {
        if (!USE.compareAndSet(this, SocketReader.IDLE, SocketReader.ACTIVE)) { // IDLE->ACTIVE: ours
            if (use == SocketReader.CLOSED) {
                throw IoErrors.closed();
            }
            throw new IllegalStateException("two fibers are writing to " + owner + " at the same time");
        }
    }

    /** Ends a write; if the socket was closed meanwhile, gives the buffer back. */
    private void leave() {
        if (!USE.compareAndSet(this, SocketReader.ACTIVE, SocketReader.IDLE)) { // CLOSED meanwhile: ours to give back
            dropBuffer();
        }
    }

    /** On close: discards unflushed bytes and gives the buffer back now, or leaves that to the writer at work. */
    void close() {
        for (;;) {
            int u = use;
            if (u == SocketReader.CLOSED) {
                return;
            }
            if (USE.compareAndSet(this, u, SocketReader.CLOSED)) {
                if (u == SocketReader.IDLE) {
                    dropBuffer(); // no write at work: ours to give back
                }
                return; // else ACTIVE: the writer gives it back in leave()
            }
            // a write started or ended meanwhile: look again
        }
    }

    // VarHandle mechanics
    private static final VarHandle USE;

    static {
        try {
            USE = MethodHandles.lookup().findVarHandle(SocketWriter.class, "use", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
