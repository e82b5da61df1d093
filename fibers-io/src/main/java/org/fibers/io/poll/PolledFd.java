package org.fibers.io.poll;

import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.Native;
import io.netty.channel.unix.FileDescriptor;
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
     * Lifetime. Every system call on the fd runs between acquire() and release(), and close()
     * holds a reference of its own while it works (FdLifetime); the descriptor is closed by
     * whoever drops the last reference. So a concurrent close can never make an in-flight call
     * hit a reused fd number, and the number stays ours until Netty has marked the registration
     * cancelled. The waiter lists and their firing live in WaiterList.
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
    private FdHandle handle;
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

    /** The waiters of each direction; under the lock (isEmpty() excepted, see WaiterList). */
    private final WaiterList readers = new WaiterList();
    private final WaiterList writers = new WaiterList();

    /** 0 free, 1 held. */
    private volatile int lock;

    private final FileDescriptor fd;
    private final FdLifetime life;

    /** Wraps {@code fd}, which must be nonblocking. The record owns it from now on. */
    public PolledFd(FileDescriptor fd) {
        this.fd = fd;
        this.life = new FdLifetime(fd);
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
        return life.isOpen();
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
        return life.acquire();
    }

    /** Ends a system call started with {@link #acquire()}. */
    public void release() {
        life.release();
    }

    /**
     * Closes the fd: wakes every waiter with {@link Waiter#CLOSED}, cancels the epoll
     * registration, and closes the descriptor once no system call is in flight. Idempotent,
     * any thread.
     */
    public void close() {
        // Our own reference keeps the descriptor (and its number) ours until Netty has marked
        // the registration cancelled below.
        if (!life.beginClose()) {
            return;
        }
        FdHandle h;
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
            wake = writers.fireAll(this, Waiter.CLOSED, readers.fireAll(this, Waiter.CLOSED, null));
        } finally {
            unlock();
        }
        WaiterList.unparkAll(wake);
        if (h != null) {
            // Netty marks it cancelled at once and runs the rest on the home carrier.
            h.registration.cancel();
        }
        life.release(); // the last one out closes the descriptor
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
            wake = WaiterList.fire(w, Waiter.TIMED_OUT, null);
        } finally {
            unlock();
        }
        WaiterList.unparkAll(wake);
        return true;
    }

    /** Number of linked waiters of {@code direction} (stale ones included). For tests and introspection. */
    public int waiterCount(int direction) {
        lock();
        try {
            return list(direction).size();
        } finally {
            unlock();
        }
    }

    // ------------------------------------------------------------------ home carrier side

    @Override
    void runOnCarrier(EpollPoller p) {
        int req;
        int st;
        FdHandle h;
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
        FdHandle h = new FdHandle(this, p);
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
                ops = writers.isEmpty() ? BASE_OPS : BASE_OUT_OPS;
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
            wake = writers.fireAll(this, Waiter.READY, readers.fireAll(this, Waiter.READY, null));
        } finally {
            unlock();
        }
        WaiterList.unparkAll(wake);
    }

    private void updateInterest(FdHandle h, int req) {
        EpollIoOps ops;
        boolean submit;
        lock();
        try {
            if (regState != REGISTERED || handle != h) {
                return;
            }
            ops = armed;
            if ((req & REQ_OUT) != 0 && !writers.isEmpty()) {
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
    void onEvent(FdHandle h, int ev) {
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
        boolean wakeReaders = rd && !readers.isEmpty();
        boolean wakeWriters = wr && !writers.isEmpty();
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
                wake = readers.fireAll(this, Waiter.READY, null);
            }
            if (wakeWriters) {
                wake = writers.fireAll(this, Waiter.READY, wake);
            } else if (outEvent && writers.isEmpty() && armed == BASE_OUT_OPS) {
                // Writable and nobody wants to write: stop EPOLLOUT, so events stop carrying it.
                armed = BASE_OPS;
                disarm = true;
            }
        } finally {
            unlock();
        }
        WaiterList.unparkAll(wake);
        if (disarm) {
            h.registration.submit(BASE_OPS);
        }
    }

    /** The home poller is being destroyed: forget the registration, wake everyone to retry. */
    void pollerGone(EpollPoller p) {
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
            wake = writers.fireAll(this, Waiter.READY, readers.fireAll(this, Waiter.READY, null));
        } finally {
            unlock();
        }
        WaiterList.unparkAll(wake);
    }

    // ------------------------------------------------------------------ lists (under the lock)

    private WaiterList list(int direction) {
        return direction == READ ? readers : writers;
    }

    private void append(Waiter w, int direction) {
        list(direction).append(w, this, direction);
    }

    private void remove(Waiter w) {
        list(w.direction).remove(w);
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
                    + ", readers " + readers.size() + " (seq " + readSeq + "), writers " + writers.size()
                    + " (seq " + writeSeq + "), requests " + requests;
        } finally {
            unlock();
        }
    }

    // VarHandle mechanics
    private static final VarHandle LOCK;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            LOCK = l.findVarHandle(PolledFd.class, "lock", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
