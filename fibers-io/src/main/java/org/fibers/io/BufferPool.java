package org.fibers.io;

import io.netty.util.internal.CleanableDirectBuffer;
import io.netty.util.internal.PlatformDependent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import org.fibers.internal.LoomSupport;

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
     * Implementation notes. Stripes, each a small stack guarded by a try-lock. A borrower or
     * returner uses the stripe its carrier thread owns: the first time a carrier comes by it
     * claims a free stripe (one CAS on the stripe's owner), near the slot its thread id hashes
     * to; afterwards it finds that stripe on the first probe. So with one carrier per core the
     * stripes stay in their cores' caches, and a fiber that moves to another carrier simply
     * uses that carrier's stripe. Threads beyond the stripes (plain threads doing blocking I/O
     * on fiber sockets, say) share the stripe their id hashes to. The try-lock makes every
     * stripe safe to share: it is taken with one CAS and never waited for; if the CAS fails
     * (another thread holds that stripe for a few stores, which is rare) the caller allocates,
     * or frees, instead. Stripes are padded so that two never share a cache line.
     *
     * Why this scheme (measured, see FiberSocket's javadoc): a per-socket buffer pinned 16 KiB of
     * native memory per idle connection and was freed only by the GC's cleaners; allocating and
     * freeing on every borrow works but costs a malloc and a free per read and per flush. The
     * first pool picked the stripe by the fiber's own thread id, so both cores used every
     * stripe, and each borrow and return moved the stripe's cache lines between the cores.
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

    /** How many stripes a carrier looks at, from its home slot on, for its own or a free one. */
    private static final int PROBES = 4;

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
        Stripe s = stripe();
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
        Stripe s = stripe();
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

    /**
     * The stripe of the caller's carrier thread (the caller itself when it is a platform
     * thread): the one it owns, else one it claims now, else the shared one its id hashes to.
     */
    private static Stripe stripe() {
        Thread carrier = LoomSupport.currentCarrier();
        int home = (int) ((carrier.threadId() * 0x9E3779B97F4A7C15L) >>> 40);
        for (int i = 0; i < PROBES; i++) {
            Stripe s = STRIPES[(home + i) & MASK];
            Thread owner = s.owner;
            if (owner == carrier) {
                return s;
            }
            // success: the stripe is this carrier's from now on; failure: another thread claimed
            // it first, so probe on (it may be ours only if we claimed it, which we did not)
            if (owner == null && OWNER.compareAndSet(s, null, carrier)) {
                return s;
            }
        }
        return STRIPES[home & MASK];
    }

    /** How many stripes there are (a power of two, at least 4). */
    static int stripes() {
        return STRIPES.length;
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

    /** Padding before a stripe's fields: the object before it never shares their cache line. */
    @SuppressWarnings("unused")
    private static class StripePadding {
        long p0, p1, p2, p3, p4, p5, p6, p7;
    }

    /** The fields of a stripe (a superclass's fields are laid out before a subclass's). */
    private static class StripeFields extends StripePadding {
        /**
         * <pre>  0 (free) --tryLock: CAS--> 1 (held) --unlock--> 0 </pre>
         */
        volatile int lock;
        /**
         * The carrier that uses this stripe as its own.
         * <pre>  null (free) --a carrier's first probe: CAS--> that carrier (for good) </pre>
         */
        volatile Thread owner;
        Lease[] stack;
        /** Free buffers in {@link #stack}; under the lock (racy reads for statistics). */
        int top;
    }

    /** One stack of free buffers and its try-lock, padded on both sides. */
    @SuppressWarnings("unused")
    private static final class Stripe extends StripeFields {
        long q0, q1, q2, q3, q4, q5, q6, q7;

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
    private static final VarHandle OWNER;

    static {
        try {
            LOCK = MethodHandles.lookup().findVarHandle(StripeFields.class, "lock", int.class);
            OWNER = MethodHandles.lookup().findVarHandle(StripeFields.class, "owner", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
