package org.fibers.io.poll;

import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.Native;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.fibers.scheduler.Scheduler;
import org.fibers.scheduler.TimerHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The waiter record of one file descriptor: its readiness sequences, the fibers and tasks
 * waiting to read and to write, its epoll registration, and its lifetime (in-flight system
 * calls and close). Thread-safe. Low-level: {@code org.fibers.io} builds ports on it.
 *
 * <p>Many waiters may wait on one fd and direction. An EPOLLHUP or EPOLLERR wakes every waiter
 * of both directions, once per edge (the fd is edge-triggered, so a hung-up fd does not make the
 * poller spin, Guile issue #19). {@link #close()} wakes every waiter with {@link Waiter#CLOSED}
 * (Guile issue #80) and closes the descriptor once no system call on it is in flight.
 */
public final class PolledFd extends EpollPoller.Job {
    /*
     * Implementation notes.
     *
     * Edge-triggered waits without lost wake-ups. The fd is registered EPOLLIN | EPOLLRDHUP |
     * EPOLLET, plus EPOLLOUT while writers wait. For every event the home carrier bumps the
     * direction's readiness sequence (volatile, single writer) and then fires that direction's
     * waiters. An I/O path reads the sequence s BEFORE its system call; when the call would
     * block it links a waiter with seenSeq = s, and link() re-reads the sequence AFTER linking:
     *
     *   waiter: head = w (volatile)   ; read seq      carrier: seq++ (volatile) ; read head
     *
     * so either the waiter sees the new sequence and returns READY at once, or the carrier sees
     * the waiter and fires it (Dekker). Any readiness after the failed call produces a new edge,
     * which the carrier turns into a new sequence number. Level-style waits (readable/writable
     * operations, which made no failed call first) ask the carrier for a "poke": epoll_ctl(MOD)
     * with the same mask, which makes the kernel queue the fd if it is ready now.
     *
     * Lazy registration on the home carrier. The first wait picks the poller of the current
     * scheduler (or of the shared fallback scheduler for a plain thread), and asks its carrier to
     * register the fd: inline when the caller runs on that carrier, otherwise through the
     * poller's inbox. Registering reports current readiness (the MOD that sets the interest
     * re-polls the fd), so data that arrived before registration is not missed. Only the home
     * carrier calls Netty's register/submit, as IoHandler requires; close() calls
     * IoRegistration.cancel(), which Netty forwards to the home carrier itself.
     *
     * The lock. A tiny spin lock guards the waiter lists and the registration fields. Holders
     * never park and never take another fd's lock; critical sections are a few field writes plus
     * the fired() callbacks of operation and task waiters (an op-state CAS, a schedule). Parked
     * threads (the common case: a fiber in a socket read) are unparked after the lock is
     * released. Event delivery on the carrier reads the list heads without the lock first, so
     * an event nobody waits for costs one volatile increment and two volatile reads.
     *
     * Lifetime. The use word counts references (system calls in flight, acquire/release around
     * each, plus close() while it runs) and has a CLOSED bit; whoever drops the last reference
     * after CLOSED is set closes the descriptor. So a concurrent close can never make an
     * in-flight call hit a reused fd number, and the descriptor (and its number) stays ours
     * until Netty has marked the registration cancelled.
     */

    private static final Logger LOG = LoggerFactory.getLogger(PolledFd.class);

    /** Direction: waiting to read (or accept). */
    public static final int READ = 0;
    /** Direction: waiting to write (or for a connect to finish). */
    public static final int WRITE = 1;
    /** {@link #link} result: the waiter is linked and will be fired later. */
    public static final int LINKED = Waiter.WAITING;

    /** EPOLLHUP: Netty exposes no constant for it; its value is the same on every Linux port. */
    private static final int EPOLLHUP = 0x010;
    private static final int READ_EVENTS = Native.EPOLLIN | Native.EPOLLRDHUP | Native.EPOLLERR | EPOLLHUP;
    private static final int WRITE_EVENTS = Native.EPOLLOUT | Native.EPOLLERR | EPOLLHUP;
    private static final int HANGUP_EVENTS = Native.EPOLLRDHUP | Native.EPOLLERR | EPOLLHUP;
    private static final EpollIoOps BASE_OPS =
            EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLRDHUP).with(EpollIoOps.EPOLLET);
    private static final EpollIoOps BASE_OUT_OPS = BASE_OPS.with(EpollIoOps.EPOLLOUT);

    /*
     * Registration state (under the lock; volatile for unlocked peeks):
     *
     *   UNREGISTERED --first link picks a home poller--> PENDING --home carrier registers--> REGISTERED
     *   PENDING --epoll refuses the fd (a regular file)--> UNPOLLABLE (always ready)
     *   PENDING | REGISTERED --home poller closed--> UNREGISTERED (waiters woken to retry)
     *   any --close()--> CLOSED (final)
     */
    private static final int UNREGISTERED = 0;
    private static final int PENDING = 1;
    private static final int REGISTERED = 2;
    private static final int UNPOLLABLE = 3;
    private static final int CLOSED = 4;
    private volatile int regState;

    /** Requests for the home carrier, under the lock: bits of REQ_*. */
    private static final int REQ_REGISTER = 1;
    private static final int REQ_OUT = 2;
    private static final int REQ_POKE = 4;
    private int requests;

    /** The poller the fd is (being) registered with, under the lock; null when unregistered. */
    private EpollPoller home;
    /** The live registration's handle, under the lock; null unless REGISTERED. */
    private Handle handle;
    /** Interest set in the kernel (BASE_OPS or BASE_OUT_OPS); changed by the home carrier under the lock. */
    private EpollIoOps armed;

    /**
     * Set (for good) by the home carrier when an event reports EPOLLRDHUP, EPOLLHUP or EPOLLERR:
     * the input side will stay readable (end of stream or an error) without further edges.
     * <pre>  false --hang-up event--> true </pre>
     */
    private volatile boolean hungUp;

    /** Bumped by the home carrier on every event of the direction; see the notes. */
    private volatile int readSeq;
    private volatile int writeSeq;

    /** Waiter lists; heads are volatile for the carrier's unlocked emptiness check. */
    private volatile Waiter readHead;
    private volatile Waiter writeHead;
    private Waiter readTail;
    private Waiter writeTail;
    private int readCount;
    private int writeCount;
    /** List length at which link() next drops stale waiters (amortised O(1)). */
    private int pruneAt = PRUNE_MIN;
    private static final int PRUNE_MIN = 32;

    /** 0 free, 1 held. */
    private volatile int lock;

    /*
     * Use word: CLOSED_BIT | number of references (system calls in flight, plus close() itself
     * while it runs).
     *   open, n --acquire--> n+1 --release--> n
     *   open, n --close()--> CLOSED|n+1 --close() done--> CLOSED|n ...
     *   the release() that leaves CLOSED|0 closes the descriptor
     */
    private static final int CLOSED_BIT = 1 << 30;
    private volatile int use;

    private final FileDescriptor fd;

    /** Wraps {@code fd}, which must be nonblocking. The record owns it from now on. */
    public PolledFd(FileDescriptor fd) {
        this.fd = fd;
    }

    /** The descriptor. Use it only between {@link #acquire()} and {@link #release()}. */
    public FileDescriptor fd() {
        return fd;
    }

    /** The descriptor number (for messages and tests). */
    public int intValue() {
        return fd.intValue();
    }

    /** True until {@link #close()}. */
    public boolean isOpen() {
        return (use & CLOSED_BIT) == 0;
    }

    /**
     * True once the peer hung up or the fd reported an error: reads will not block again, and no
     * further edge will announce it. Written before the readiness sequence is bumped, so a reader
     * that saw the new sequence sees this too.
     */
    public boolean hungUp() {
        return hungUp;
    }

    /** The readiness sequence of {@code direction}; read it before the I/O attempt. */
    public int seq(int direction) {
        return direction == READ ? readSeq : writeSeq;
    }

    // ------------------------------------------------------------------ lifetime

    /** Marks a system call in flight; false if the fd is closed. Pair with {@link #release()}. */
    public boolean acquire() {
        for (;;) {
            int u = use;
            if ((u & CLOSED_BIT) != 0) {
                return false;
            }
            if (USE.compareAndSet(this, u, u + 1)) {
                return true; // counted in; a close() now defers the real close to our release
            }
            // another acquire, release or close changed the word: read it again
        }
    }

    /** Ends a system call started with {@link #acquire()}. */
    public void release() {
        int u = (int) USE.getAndAdd(this, -1) - 1;
        if (u == CLOSED_BIT) {
            closeDescriptor(); // closed while we were in flight and we were the last one out
        }
    }

    /**
     * Closes the fd: wakes every waiter with {@link Waiter#CLOSED}, cancels the epoll
     * registration, and closes the descriptor once no system call is in flight. Idempotent,
     * any thread.
     */
    public void close() {
        // Set CLOSED and take a reference of our own, so the descriptor cannot be closed (and its
        // number reused) before Netty has marked the registration cancelled below.
        for (;;) {
            int u = use;
            if ((u & CLOSED_BIT) != 0) {
                return; // closed already, or another close() is running
            }
            if (USE.compareAndSet(this, u, (u | CLOSED_BIT) + 1)) {
                break; // ours: no new system call can start now
            }
            // a system call started or ended meanwhile: read the word again
        }
        Handle h;
        Object wake;
        lock();
        try {
            h = handle;
            if (regState == REGISTERED) {
                home.registrations(-1);
            }
            regState = CLOSED;
            handle = null;
            home = null;
            wake = fireAll(WRITE, Waiter.CLOSED, fireAll(READ, Waiter.CLOSED, null));
        } finally {
            unlock();
        }
        unparkAll(wake);
        if (h != null) {
            // Netty marks it cancelled at once and runs the rest on the home carrier.
            h.registration.cancel();
        }
        release(); // drop our reference; the last one out closes the descriptor
    }

    private void closeDescriptor() {
        try {
            fd.close();
        } catch (IOException e) {
            LOG.debug("close({}) failed", fd.intValue(), e);
        }
    }

    // ------------------------------------------------------------------ waiting

    /**
     * Links {@code w} as a waiter for {@code direction}, unless the direction's readiness
     * sequence moved away from {@code seenSeq} (then the I/O should simply be retried).
     *
     * @param poke true for a level-style wait: ask the kernel to report the fd if it is ready now
     * @return {@link #LINKED}; or {@link Waiter#READY} when there is no need to wait (the sequence
     *         moved, or the fd cannot be polled and counts as always ready); or
     *         {@link Waiter#CLOSED} if the fd is closed. {@code w} is linked only for LINKED.
     * @throws IllegalStateException if {@code w} is already waiting, or no epoll poller can serve
     *         the calling thread
     */
    public int link(Waiter w, int direction, int seenSeq, boolean poke) {
        EpollPoller candidate = regState == UNREGISTERED ? EpollPoller.forCurrentThread() : null;
        EpollPoller target = null;
        lock();
        try {
            int st = regState;
            if (st == CLOSED) {
                return Waiter.CLOSED;
            }
            if (st == UNPOLLABLE) {
                return Waiter.READY;
            }
            if (st == UNREGISTERED && candidate == null) {
                candidate = EpollPoller.forCurrentThread(); // it became unregistered after our peek
            }
            if (w.state == Waiter.WAITING) {
                throw new IllegalStateException("a waiter is already waiting on " + this
                        + " (two fibers reading, or two writing, one socket at the same time?)");
            }
            append(w, direction);
            if (seq(direction) != seenSeq) {
                remove(w); // an event came after the caller's failed I/O: no need to wait
                w.state = Waiter.READY;
                return Waiter.READY;
            }
            int req = poke ? REQ_POKE : 0;
            if (direction == WRITE && armed != BASE_OUT_OPS) {
                req |= REQ_OUT;
            }
            if (st == UNREGISTERED) {
                home = candidate;
                regState = PENDING;
                req |= REQ_REGISTER;
            }
            if (req != 0) {
                requests |= req;
                target = home;
            }
        } finally {
            unlock();
        }
        if (target != null) {
            target.request(this);
        }
        return LINKED;
    }

    /**
     * Links {@code w} (a thread waiter, see {@link #link}) and parks until it is fired, expired
     * or the fd closes.
     *
     * @param token identifies this wait for {@link #expire}
     * @return {@link Waiter#READY}, {@link Waiter#CLOSED} or {@link Waiter#TIMED_OUT}
     * @throws org.fibers.FiberCancelledException if interrupted (the waiter is withdrawn first)
     */
    public int await(ThreadWaiter w, int direction, int seenSeq, boolean poke, long token) {
        w.bind(Thread.currentThread());
        w.token = token;
        int r = link(w, direction, seenSeq, poke);
        return r == LINKED ? w.park(this) : r;
    }

    /**
     * {@link #await(ThreadWaiter, int, int, boolean, long)} with a deadline
     * ({@link System#nanoTime()} base), after which it returns {@link Waiter#TIMED_OUT}. The
     * timer runs on the caller's scheduler (or the shared fallback scheduler).
     */
    public int await(ThreadWaiter w, int direction, int seenSeq, boolean poke, long token, long deadlineNanos) {
        TimerHandle timer = Scheduler.timerScheduler().scheduleAt(deadlineNanos, () -> expire(w, token));
        try {
            return await(w, direction, seenSeq, poke, token);
        } finally {
            timer.cancel();
        }
    }

    /** Removes {@code w} if it still waits here; true if this call withdrew it. Any thread. */
    public boolean withdraw(Waiter w) {
        lock();
        try {
            if (w.state != Waiter.WAITING || w.owner != this) {
                return false; // fired, expired or withdrawn already
            }
            remove(w);
            w.state = Waiter.WITHDRAWN;
            return true;
        } finally {
            unlock();
        }
    }

    /**
     * Fires {@code w} with {@link Waiter#TIMED_OUT} if it still waits here in the wait
     * identified by {@code token}. Any thread (timer tasks).
     */
    public boolean expire(Waiter w, long token) {
        Object wake;
        lock();
        try {
            if (w.state != Waiter.WAITING || w.owner != this || w.token != token) {
                return false; // that wait is over; a later wait of the same waiter is not ours
            }
            remove(w);
            wake = fire(w, Waiter.TIMED_OUT, null);
        } finally {
            unlock();
        }
        unparkAll(wake);
        return true;
    }

    /** Number of linked waiters of {@code direction} (stale ones included). For tests and introspection. */
    public int waiterCount(int direction) {
        lock();
        try {
            return direction == READ ? readCount : writeCount;
        } finally {
            unlock();
        }
    }

    // ------------------------------------------------------------------ home carrier side

    @Override
    void runOnCarrier(EpollPoller p) {
        int req;
        int st;
        Handle h;
        lock();
        try {
            if (home != p) {
                return; // closed or re-homed since the request was made
            }
            st = regState;
            req = requests;
            requests = 0;
            h = handle;
        } finally {
            unlock();
        }
        if (!acquire()) {
            return; // closing: close() has woken everyone
        }
        try {
            if (st == PENDING && (req & REQ_REGISTER) != 0) {
                register(p);
            } else if (st == REGISTERED) {
                updateInterest(h, req);
            }
        } finally {
            release();
        }
    }

    @Override
    void rejected(EpollPoller p) {
        pollerGone(p);
    }

    private void register(EpollPoller p) {
        Handle h = new Handle(this, p);
        IoRegistration reg;
        try {
            reg = p.handler().register(h); // epoll_ctl(ADD) with EPOLLERR only
        } catch (Exception e) {
            unpollable(p, e);
            return;
        }
        h.registration = reg;
        EpollIoOps ops;
        lock();
        try {
            if (regState != PENDING || home != p) {
                ops = null; // closed while we registered
            } else {
                ops = writeHead != null ? BASE_OUT_OPS : BASE_OPS;
                armed = ops;
                handle = h;
                regState = REGISTERED;
                p.registrations(+1);
            }
        } finally {
            unlock();
        }
        if (ops == null) {
            reg.cancel();
            return;
        }
        // Setting the interest re-polls the fd: readiness from before registration is reported now.
        reg.submit(ops);
    }

    private void unpollable(EpollPoller p, Exception e) {
        LOG.debug("fd {} cannot be polled by epoll; treating it as always ready", fd.intValue(), e);
        Object wake;
        lock();
        try {
            if (regState != PENDING || home != p) {
                return;
            }
            regState = UNPOLLABLE;
            home = null;
            wake = fireAll(WRITE, Waiter.READY, fireAll(READ, Waiter.READY, null));
        } finally {
            unlock();
        }
        unparkAll(wake);
    }

    private void updateInterest(Handle h, int req) {
        EpollIoOps ops;
        boolean submit;
        lock();
        try {
            if (regState != REGISTERED || handle != h) {
                return;
            }
            ops = armed;
            if ((req & REQ_OUT) != 0 && writeHead != null) {
                ops = BASE_OUT_OPS;
            }
            submit = ops != armed || (req & REQ_POKE) != 0;
            armed = ops;
        } finally {
            unlock();
        }
        if (submit) {
            h.registration.submit(ops);
        }
    }

    /** An epoll event for this fd, on the home carrier. Never throws (Netty would stall 1 s). */
    private void onEvent(Handle h, int ev) {
        boolean rd = (ev & READ_EVENTS) != 0;
        boolean wr = (ev & WRITE_EVENTS) != 0;
        if (rd) {
            if ((ev & HANGUP_EVENTS) != 0 && !hungUp) {
                hungUp = true; // before the bump: see hungUp()
            }
            readSeq = readSeq + 1; // single writer: the home carrier
        }
        if (wr) {
            writeSeq = writeSeq + 1;
        }
        boolean wakeReaders = rd && readHead != null;
        boolean wakeWriters = wr && writeHead != null;
        boolean outEvent = (ev & Native.EPOLLOUT) != 0;
        if (!wakeReaders && !wakeWriters && !outEvent) {
            return;
        }
        boolean disarm = false;
        Object wake = null;
        lock();
        try {
            if (handle != h) {
                return; // stale event of a registration that was closed or replaced
            }
            if (wakeReaders) {
                wake = fireAll(READ, Waiter.READY, null);
            }
            if (wakeWriters) {
                wake = fireAll(WRITE, Waiter.READY, wake);
            } else if (outEvent && writeHead == null && armed == BASE_OUT_OPS) {
                // Writable and nobody wants to write: stop EPOLLOUT, so events stop carrying it.
                armed = BASE_OPS;
                disarm = true;
            }
        } finally {
            unlock();
        }
        unparkAll(wake);
        if (disarm) {
            h.registration.submit(BASE_OPS);
        }
    }

    /** The home poller is being destroyed: forget the registration, wake everyone to retry. */
    private void pollerGone(EpollPoller p) {
        Object wake;
        lock();
        try {
            if (home != p || regState == CLOSED) {
                return;
            }
            if (regState == REGISTERED) {
                p.registrations(-1);
            }
            regState = UNREGISTERED;
            home = null;
            handle = null;
            armed = null;
            requests = 0;
            wake = fireAll(WRITE, Waiter.READY, fireAll(READ, Waiter.READY, null));
        } finally {
            unlock();
        }
        unparkAll(wake);
    }

    // ------------------------------------------------------------------ lists (under the lock)

    private void append(Waiter w, int direction) {
        if ((direction == READ ? readCount : writeCount) >= pruneAt) {
            prune(direction);
        }
        w.owner = this;
        w.direction = direction;
        w.next = null;
        w.state = Waiter.WAITING;
        if (direction == READ) {
            w.prev = readTail;
            if (readTail == null) {
                readHead = w;
            } else {
                readTail.next = w;
            }
            readTail = w;
            readCount++;
        } else {
            w.prev = writeTail;
            if (writeTail == null) {
                writeHead = w;
            } else {
                writeTail.next = w;
            }
            writeTail = w;
            writeCount++;
        }
    }

    private void remove(Waiter w) {
        Waiter p = w.prev;
        Waiter n = w.next;
        if (w.direction == READ) {
            if (p == null) {
                readHead = n;
            } else {
                p.next = n;
            }
            if (n == null) {
                readTail = p;
            } else {
                n.prev = p;
            }
            readCount--;
        } else {
            if (p == null) {
                writeHead = n;
            } else {
                p.next = n;
            }
            if (n == null) {
                writeTail = p;
            } else {
                n.prev = p;
            }
            writeCount--;
        }
        w.prev = null;
        w.next = null;
        w.owner = null;
    }

    /** Drops stale waiters (operations completed elsewhere that never withdrew). */
    private void prune(int direction) {
        Waiter w = direction == READ ? readHead : writeHead;
        while (w != null) {
            Waiter n = w.next;
            if (w.isStale()) {
                remove(w);
                w.state = Waiter.WITHDRAWN;
            }
            w = n;
        }
        pruneAt = Math.max(PRUNE_MIN, 2 * (direction == READ ? readCount : writeCount));
    }

    /**
     * Fires every waiter of {@code direction}. The list is detached first, so a waiter that asks
     * to stay (takes() returned false) is appended again without being fired twice.
     *
     * @param wake threads to unpark once the lock is released, gathered so far (see fire)
     * @return {@code wake} plus the threads of the thread waiters fired here
     */
    private Object fireAll(int direction, int outcome, Object wake) {
        Waiter w;
        if (direction == READ) {
            w = readHead;
            readHead = null;
            readTail = null;
            readCount = 0;
        } else {
            w = writeHead;
            writeHead = null;
            writeTail = null;
            writeCount = 0;
        }
        while (w != null) {
            Waiter n = w.next;
            w.prev = null;
            w.next = null;
            w.owner = null;
            if (w.isStale()) {
                w.state = Waiter.WITHDRAWN;
            } else {
                boolean take;
                try {
                    take = outcome != Waiter.READY || w.takes(outcome);
                    if (take) {
                        wake = fire(w, outcome, wake);
                    }
                } catch (RuntimeException | Error e) {
                    LOG.error("waiter {} failed while being woken", w, e);
                    take = true;
                }
                if (!take) {
                    append(w, direction); // still WAITING: wait for the next edge
                }
            }
            w = n;
        }
        return wake;
    }

    /**
     * Sets the outcome of an unlinked waiter. A thread waiter's thread is added to {@code wake}
     * and unparked only after the lock is released, so that the lock is never held across an
     * unpark (which may submit to another scheduler and write its eventfd); an unpark that comes
     * after the thread already went on is merely spurious. Other waiters are fired here.
     */
    private static Object fire(Waiter w, int outcome, Object wake) {
        w.state = outcome;
        Thread t = w instanceof ThreadWaiter tw ? tw.thread() : null;
        if (t == null) {
            w.fired(outcome);
            return wake;
        }
        if (wake == null) {
            return t;
        }
        @SuppressWarnings("unchecked")
        java.util.ArrayList<Thread> list = wake instanceof java.util.ArrayList<?> l
                ? (java.util.ArrayList<Thread>) l : new java.util.ArrayList<>(java.util.List.of((Thread) wake));
        list.add(t);
        return list;
    }

    private static void unparkAll(Object wake) {
        if (wake instanceof Thread t) {
            java.util.concurrent.locks.LockSupport.unpark(t);
        } else if (wake != null) {
            for (Object t : (java.util.ArrayList<?>) wake) {
                java.util.concurrent.locks.LockSupport.unpark((Thread) t);
            }
        }
    }

    private void lock() {
        if (!LOCK.compareAndSet(this, 0, 1)) {
            lockSlow(); // held: spin
        }
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
            if (spins < 20_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
                spins = 0;
            }
        }
    }

    private void unlock() {
        LOCK.setRelease(this, 0);
    }

    @Override
    public String toString() {
        return "fd " + fd.intValue();
    }

    /** A snapshot of the record's state, for diagnostics. */
    public String describe() {
        lock();
        try {
            String[] states = {"unregistered", "pending", "registered", "unpollable", "closed"};
            return "fd " + fd.intValue() + " " + states[regState] + (home == null ? "" : " on " + home)
                    + ", interest " + (armed == BASE_OUT_OPS ? "in|out" : armed == BASE_OPS ? "in" : "-")
                    + ", readers " + readCount + " (seq " + readSeq + "), writers " + writeCount
                    + " (seq " + writeSeq + "), requests " + requests;
        } finally {
            unlock();
        }
    }

    /** Netty's view of one registration of this fd with one poller. Home carrier only. */
    static final class Handle implements EpollIoHandle {
        final PolledFd owner;
        final EpollPoller poller;
        /** Set right after register() returns, before the handle is published under the lock. */
        IoRegistration registration;

        Handle(PolledFd owner, EpollPoller poller) {
            this.owner = owner;
            this.poller = poller;
        }

        @Override
        public FileDescriptor fd() {
            return owner.fd;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            try {
                owner.onEvent(this, ((EpollIoEvent) event).ops().value());
            } catch (RuntimeException | Error e) {
                LOG.error("failed to dispatch an epoll event for {}", owner, e);
            }
        }

        /** Netty calls this when the poller is destroyed with the fd still registered. */
        @Override
        public void close() {
            owner.pollerGone(poller);
        }
    }

    // VarHandle mechanics
    private static final VarHandle LOCK;
    private static final VarHandle USE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            LOCK = l.findVarHandle(PolledFd.class, "lock", int.class);
            USE = l.findVarHandle(PolledFd.class, "use", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
