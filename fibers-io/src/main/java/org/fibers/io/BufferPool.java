package org.fibers.io;

import io.netty.util.internal.CleanableDirectBuffer;
import io.netty.util.internal.PlatformDependent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The native I/O buffers of {@link FiberSocket}s: borrowed when a read or a write has bytes to
 * move, returned when the buffer is empty again (before a read waits, after a flush), so an idle
 * connection holds none. Thread-safe.
 *
 * <p>Memory comes from Netty's {@link PlatformDependent#allocateDirect(int)}: malloc through the
 * FFM linker on JDK 22+, a cleaner-freed direct buffer on JDK 21; either way
 * {@link CleanableDirectBuffer#clean()} frees it at once, never at the next GC. A few freed
 * buffers are kept for the next borrower; beyond that they are freed on return.
 */
final class BufferPool {
    /*
     * Implementation notes. Stripes, each a small stack guarded by a try-lock: a borrower or
     * returner picks its stripe by its thread's id (a fiber's own virtual-thread id, so fibers of
     * one carrier spread over the stripes), takes the stripe's lock with one CAS and never waits
     * for it: if the CAS fails (another thread holds that stripe, which is rare) it allocates, or
     * frees, instead. So the pool costs one CAS and one release store per borrow or return and
     * is never a point of contention.
     *
     * Why this scheme (measured, see FiberSocket's javadoc): a per-socket buffer pinned 16 KiB of
     * native memory per idle connection and was freed only by the GC's cleaners; allocating and
     * freeing on every borrow works but costs a malloc and a free per read and per flush.
     */

    /** Size of every buffer; a read fills at most this much, a flush sends at most this much per call. */
    static final int SIZE = FiberSocket.DEFAULT_BUFFER_SIZE;
    /** Free buffers kept per stripe; -Dfibers.io.pooledBuffers=0 frees every buffer on return. */
    private static final int KEEP = Integer.getInteger("fibers.io.pooledBuffers", 16);
    private static final Stripe[] STRIPES;
    private static final int MASK;

    /** Live native buffers (borrowed or kept), and how many were ever allocated. */
    private static final AtomicLong LIVE = new AtomicLong();
    private static final AtomicLong ALLOCATED = new AtomicLong();

    static {
        int want = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        int n = Integer.highestOneBit(want);
        if (n < want) {
            n <<= 1; // a power of two, for the mask
        }
        STRIPES = new Stripe[n];
        for (int i = 0; i < n; i++) {
            STRIPES[i] = new Stripe(KEEP);
        }
        MASK = n - 1;
    }

    private BufferPool() {
    }

    /** A borrowed buffer: the memory's owner, and the buffer with its native address. */
    static final class Lease {
        final CleanableDirectBuffer memory;
        /** Little-endian (SocketReader's newline search reads words); only absolute access. */
        final ByteBuffer buffer;
        final long address;

        private Lease(CleanableDirectBuffer memory) {
            this.memory = memory;
            this.buffer = memory.buffer().order(ByteOrder.LITTLE_ENDIAN);
            this.address = io.netty.channel.unix.Buffer.memoryAddress(buffer);
        }
    }

    /** A buffer of {@link #SIZE} bytes, its content undefined. */
    static Lease borrow() {
        Stripe s = STRIPES[(int) Thread.currentThread().threadId() & MASK];
        if (s.tryLock()) {
            Lease l = s.top > 0 ? s.stack[--s.top] : null;
            if (l != null) {
                s.stack[s.top] = null;
            }
            s.unlock();
            if (l != null) {
                return l;
            }
        }
        ALLOCATED.incrementAndGet();
        LIVE.incrementAndGet();
        return new Lease(PlatformDependent.allocateDirect(SIZE));
    }

    /** Gives {@code l} back; it must not be used afterwards. */
    static void giveBack(Lease l) {
        Stripe s = STRIPES[(int) Thread.currentThread().threadId() & MASK];
        if (s.tryLock()) {
            boolean kept = s.top < s.stack.length;
            if (kept) {
                s.stack[s.top++] = l;
            }
            s.unlock();
            if (kept) {
                return;
            }
        }
        LIVE.decrementAndGet();
        l.memory.clean();
    }

    /** Native buffers alive now: borrowed plus kept. */
    static long live() {
        return LIVE.get();
    }

    /** Buffers ever allocated. */
    static long allocated() {
        return ALLOCATED.get();
    }

    /** Free buffers kept by the stripes now (racy snapshot). */
    static long kept() {
        long n = 0;
        for (Stripe s : STRIPES) {
            n += s.top;
        }
        return n;
    }

    /** Buffers borrowed and not given back (racy snapshot; exact when no socket is at work). */
    static long borrowed() {
        return live() - kept();
    }

    /** Native bytes held by the pool and its borrowers. */
    static long liveBytes() {
        return live() * SIZE;
    }

    /** One stack of free buffers and its try-lock. */
    private static final class Stripe {
        /**
         * <pre>  0 (free) --tryLock: CAS--> 1 (held) --unlock--> 0 </pre>
         */
        private volatile int lock;
        final Lease[] stack;
        /** Free buffers in {@link #stack}; under the lock (racy reads for statistics). */
        int top;

        Stripe(int keep) {
            stack = new Lease[Math.max(0, keep)];
        }

        boolean tryLock() {
            // success: ours; failure: someone else's for a few stores, so the caller does without
            return lock == 0 && LOCK.compareAndSet(this, 0, 1);
        }

        void unlock() {
            LOCK.setRelease(this, 0);
        }
    }

    // VarHandle mechanics
    private static final VarHandle LOCK;

    static {
        try {
            LOCK = MethodHandles.lookup().findVarHandle(Stripe.class, "lock", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
