package org.fibers.io.poll;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The waiter bookkeeping of one {@link PolledFd}: the readiness sequence of each direction, the
 * waiters of each direction, the sticky hang-up flag, and the fd's spin lock, which guards the
 * waiter lists here and the registration fields of the fd's {@link FdRegistration}. Thread-safe.
 */
final class FdWaiters {
    /*
     * Implementation notes.
     *
     * Edge-triggered waits without lost wake-ups. For every event the home carrier bumps the
     * direction's readiness sequence (volatile, single writer: advance()) and then fires that
     * direction's waiters. An I/O path reads the sequence s BEFORE its system call; when the
     * call would block it links a waiter with seenSeq = s, and link() re-reads the sequence
     * AFTER linking:
     *
     *   waiter: head = w (volatile)   ; read seq      carrier: seq++ (volatile) ; read head
     *
     * so either the waiter sees the new sequence and returns READY at once, or the carrier sees
     * the waiter and fires it (Dekker). Any readiness after the failed call produces a new edge,
     * which the carrier turns into a new sequence number. (Which events reach the carrier, and
     * the "poke" of level-style waits, are FdRegistration's part.)
     *
     * The lock. A tiny spin lock guards the waiter lists and the registration fields (it is
     * one lock for both because a link must check the registration state and append in one
     * step, and an event must check its registration and fire in one step). Holders never park
     * and never take another fd's lock; critical sections are a few field writes plus the
     * fired() callbacks of operation and task waiters (an op-state CAS, a schedule). Parked
     * threads (the common case: a fiber in a socket read) are unparked after the lock is
     * released. Event delivery on the carrier reads the list heads without the lock first
     * (hasWaiters()), so an event nobody waits for costs one volatile increment and two
     * volatile reads. The lists themselves and their firing live in WaiterList.
     */

    /**
     * Set (for good) by the home carrier when an event reports EPOLLRDHUP, EPOLLHUP or EPOLLERR:
     * the input side will stay readable (end of stream or an error) without further edges.
     * <pre>  false --hang-up event--> true </pre>
     */
    private volatile boolean hungUp;

    /**
     * Bumped by the home carrier on every event of the direction; see the notes.
     * <pre>  n --event of the direction (home carrier, single writer)--> n+1 </pre>
     */
    private volatile int readSeq;
    private volatile int writeSeq;

    /** The waiters of each direction; under the lock (isEmpty() excepted, see WaiterList). */
    private final WaiterList readers = new WaiterList();
    private final WaiterList writers = new WaiterList();

    /**
     * The spin lock.
     * <pre>  0 (free) --lock(): CAS--> 1 (held) --unlock()--> 0 </pre>
     */
    private volatile int lock;

    /** The fd the waiters wait on: what {@link Waiter#owner} names while they are linked here. */
    private final PolledFd owner;

    FdWaiters(PolledFd owner) {
        this.owner = owner;
    }

    /** See {@link PolledFd#hungUp()}. */
    boolean hungUp() {
        return hungUp;
    }

    /** The readiness sequence of {@code direction}. */
    int seq(int direction) {
        return direction == PolledFd.READ ? readSeq : writeSeq;
    }

    /**
     * Records an event: bumps the readiness sequence of each direction it reports. Home carrier
     * only (the single writer of the sequences), without the lock.
     *
     * @param hangUp the event reports EPOLLRDHUP, EPOLLHUP or EPOLLERR (counted with {@code read} only)
     */
    void advance(boolean read, boolean write, boolean hangUp) {
        if (read) {
            if (hangUp && !hungUp) {
                hungUp = true; // before the bump: see PolledFd.hungUp()
            }
            readSeq = readSeq + 1; // single writer: the home carrier
        }
        if (write) {
            writeSeq = writeSeq + 1;
        }
    }

    /**
     * True if a waiter of {@code direction} is linked. Racy without the lock (the head is
     * volatile); exact under it.
     */
    boolean hasWaiters(int direction) {
        return !list(direction).isEmpty();
    }

    // ------------------------------------------------------------------ under the lock

    /**
     * Links {@code w} unless the sequence of {@code direction} moved away from {@code seenSeq}.
     * Under the lock.
     *
     * @return true if {@code w} is linked; false if it is not (it is READY: retry the I/O)
     * @throws IllegalStateException if {@code w} is already waiting
     */
    boolean link(Waiter w, int direction, int seenSeq) {
        if (w.state == Waiter.WAITING) {
            throw new IllegalStateException("a waiter is already waiting on " + owner
                    + " (two fibers reading, or two writing, one socket at the same time?)");
        }
        list(direction).append(w, owner, direction);
        if (seq(direction) != seenSeq) {
            remove(w); // an event came after the caller's failed I/O: no need to wait
            w.state = Waiter.READY;
            return false;
        }
        return true;
    }

    /**
     * Fires every waiter of {@code direction} with {@code outcome}. Under the lock.
     *
     * @return {@code wake} plus the threads to unpark once the lock is released (see WaiterList.fire)
     */
    Object fire(int direction, int outcome, Object wake) {
        return list(direction).fireAll(owner, outcome, wake);
    }

    /** Fires every waiter of both directions with {@code outcome}; see {@link #fire}. Under the lock. */
    Object fireAll(int outcome) {
        return fire(PolledFd.WRITE, outcome, fire(PolledFd.READ, outcome, null));
    }

    /** The lists and sequences, for {@link PolledFd#describe()}. Under the lock. */
    String describe() {
        return "readers " + readers.size() + " (seq " + readSeq + "), writers " + writers.size()
                + " (seq " + writeSeq + ")";
    }

    // ------------------------------------------------------------------ taking the lock

    /** See {@link PolledFd#withdraw}. Any thread. */
    boolean withdraw(Waiter w) {
        lock();
        try {
            if (w.state != Waiter.WAITING || w.owner != owner) {
                return false; // fired, expired or withdrawn already
            }
            remove(w);
            w.state = Waiter.WITHDRAWN;
            return true;
        } finally {
            unlock();
        }
    }

    /** See {@link PolledFd#expire}. Any thread (timer tasks). */
    boolean expire(Waiter w, long token) {
        Object wake;
        lock();
        try {
            if (w.state != Waiter.WAITING || w.owner != owner || w.token != token) {
                return false; // that wait is over; a later wait of the same waiter is not ours
            }
            remove(w);
            wake = WaiterList.fire(w, Waiter.TIMED_OUT, null);
        } finally {
            unlock();
        }
        WaiterList.unparkAll(wake);
        return true;
    }

    /** See {@link PolledFd#waiterCount}. */
    int count(int direction) {
        lock();
        try {
            return list(direction).size();
        } finally {
            unlock();
        }
    }

    // ------------------------------------------------------------------ the lock

    void lock() {
        if (!LOCK.compareAndSet(this, 0, 1)) {
            lockSlow(); // held: spin
        }
        // else: it was free and is ours now
    }

    /**
     * Spins: holders keep the lock for a few field writes and never park. Only after a long spin
     * (the holder's OS thread was probably descheduled) does it yield; a fiber that yields is
     * queued behind every runnable fiber of its scheduler, which costs far more than the spin.
     */
    private void lockSlow() {
        for (int spins = 0; ; spins++) {
            if (lock == 0 && LOCK.compareAndSet(this, 0, 1)) {
                return; // acquired
            }
            // held, or another thread took it between our read and our CAS: spin on
            if (spins < 20_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
                spins = 0;
            }
        }
    }

    void unlock() {
        LOCK.setRelease(this, 0);
    }

    // ------------------------------------------------------------------ lists (under the lock)

    private WaiterList list(int direction) {
        return direction == PolledFd.READ ? readers : writers;
    }

    private void remove(Waiter w) {
        list(w.direction).remove(w);
    }

    // VarHandle mechanics
    private static final VarHandle LOCK;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            LOCK = l.findVarHandle(FdWaiters.class, "lock", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
