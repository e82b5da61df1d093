package org.fibers.io.poll;

import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.Native;
import io.netty.channel.unix.FileDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoll side of one {@link PolledFd}: which poller is its home, the registration state
 * machine, the interest set in the kernel, the requests for the home carrier, and the delivery of
 * epoll events to the fd's waiters. Thread-safe; its fields are guarded by the lock of the fd's
 * {@link FdWaiters}.
 */
final class FdRegistration extends EpollPoller.Job {
    /*
     * Implementation notes.
     *
     * Edge-triggered interest. The fd is registered EPOLLIN | EPOLLRDHUP | EPOLLET, plus
     * EPOLLOUT while writers wait. Every event bumps the readiness sequences of the directions
     * it reports before any waiter is fired (FdWaiters explains why no wake-up is lost). An
     * EPOLLHUP or EPOLLERR counts for both directions, once per edge, so a hung-up fd does not
     * make the poller spin (Guile issue #19). Level-style waits (readable/writable operations,
     * which made no failed call first) ask the carrier for a "poke": epoll_ctl(MOD) with the
     * same mask, which makes the kernel queue the fd if it is ready now.
     *
     * Lazy registration on the home carrier. The first wait picks the poller of the current
     * scheduler (or of the shared fallback scheduler for a plain thread), and asks its carrier to
     * register the fd: inline when the caller runs on that carrier, otherwise through the
     * poller's inbox. Registering reports current readiness (the MOD that sets the interest
     * re-polls the fd), so data that arrived before registration is not missed. Only the home
     * carrier calls Netty's register/submit, as IoHandler requires; close() calls
     * IoRegistration.cancel(), which Netty forwards to the home carrier itself.
     *
     * The fields below are guarded by the spin lock of FdWaiters, which also guards the waiter
     * lists (its notes say why one lock serves both).
     */

    private static final Logger LOG = LoggerFactory.getLogger(FdRegistration.class);

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

    /**
     * Requests for the home carrier, under the lock: bits of REQ_*.
     * <pre>  0 --link() adds bits--> bits --home carrier takes them, or home poller closed--> 0 </pre>
     */
    private static final int REQ_REGISTER = 1;
    private static final int REQ_OUT = 2;
    private static final int REQ_POKE = 4;
    private int requests;

    /** The poller the fd is (being) registered with, under the lock; null when unregistered. */
    private EpollPoller home;
    /** The live registration's handle, under the lock; null unless REGISTERED. */
    private FdHandle handle;
    /**
     * Interest set in the kernel; changed by the home carrier under the lock.
     * <pre>  null --registered--> BASE_OPS | BASE_OUT_OPS ; BASE_OPS --a writer waits--> BASE_OUT_OPS
     *   --EPOLLOUT, no writer--> BASE_OPS ; any --home poller closed--> null </pre>
     */
    private EpollIoOps armed;

    private final PolledFd owner;
    private final FdWaiters waiters;

    FdRegistration(PolledFd owner, FdWaiters waiters) {
        this.owner = owner;
        this.waiters = waiters;
    }

    /** The fd, for Netty (see FdHandle). */
    FileDescriptor fd() {
        return owner.fd();
    }

    /** See {@link PolledFd#link}: checks the state, links {@code w}, and asks the home carrier for what the wait needs. */
    int link(Waiter w, int direction, int seenSeq, boolean poke) {
        EpollPoller candidate = regState == UNREGISTERED ? EpollPoller.forCurrentThread() : null;
        EpollPoller target = null;
        waiters.lock();
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
            if (!waiters.link(w, direction, seenSeq)) {
                return Waiter.READY; // an event came after the caller's failed I/O
            }
            int req = poke ? REQ_POKE : 0;
            if (direction == PolledFd.WRITE && armed != BASE_OUT_OPS) {
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
            waiters.unlock();
        }
        if (target != null) {
            target.request(this);
        }
        return PolledFd.LINKED;
    }

    /**
     * The registration part of {@link PolledFd#close()}: marks it CLOSED, wakes every waiter with
     * {@link Waiter#CLOSED}, and cancels the epoll registration. Any thread; once.
     */
    void close() {
        FdHandle h;
        Object wake;
        waiters.lock();
        try {
            h = handle;
            if (regState == REGISTERED) {
                home.registrations(-1);
            }
            regState = CLOSED;
            handle = null;
            home = null;
            wake = waiters.fireAll(Waiter.CLOSED);
        } finally {
            waiters.unlock();
        }
        WaiterList.unparkAll(wake);
        if (h != null) {
            // Netty marks it cancelled at once and runs the rest on the home carrier.
            h.registration.cancel();
        }
    }

    // ------------------------------------------------------------------ home carrier side

    @Override
    void runOnCarrier(EpollPoller p) {
        int req;
        int st;
        FdHandle h;
        waiters.lock();
        try {
            if (home != p) {
                return; // closed or re-homed since the request was made
            }
            st = regState;
            req = requests;
            requests = 0;
            h = handle;
        } finally {
            waiters.unlock();
        }
        if (!owner.acquire()) {
            return; // closing: close() has woken everyone
        }
        try {
            if (st == PENDING && (req & REQ_REGISTER) != 0) {
                register(p);
            } else if (st == REGISTERED) {
                updateInterest(h, req);
            }
        } finally {
            owner.release();
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
        waiters.lock();
        try {
            if (regState != PENDING || home != p) {
                ops = null; // closed while we registered
            } else {
                ops = waiters.hasWaiters(PolledFd.WRITE) ? BASE_OUT_OPS : BASE_OPS;
                armed = ops;
                handle = h;
                regState = REGISTERED;
                p.registrations(+1);
            }
        } finally {
            waiters.unlock();
        }
        if (ops == null) {
            reg.cancel();
            return;
        }
        // Setting the interest re-polls the fd: readiness from before registration is reported now.
        reg.submit(ops);
    }

    private void unpollable(EpollPoller p, Exception e) {
        LOG.debug("fd {} cannot be polled by epoll; treating it as always ready", owner.intValue(), e);
        Object wake;
        waiters.lock();
        try {
            if (regState != PENDING || home != p) {
                return;
            }
            regState = UNPOLLABLE;
            home = null;
            wake = waiters.fireAll(Waiter.READY);
        } finally {
            waiters.unlock();
        }
        WaiterList.unparkAll(wake);
    }

    private void updateInterest(FdHandle h, int req) {
        EpollIoOps ops;
        boolean submit;
        waiters.lock();
        try {
            if (regState != REGISTERED || handle != h) {
                return;
            }
            ops = armed;
            if ((req & REQ_OUT) != 0 && waiters.hasWaiters(PolledFd.WRITE)) {
                ops = BASE_OUT_OPS;
            }
            submit = ops != armed || (req & REQ_POKE) != 0;
            armed = ops;
        } finally {
            waiters.unlock();
        }
        if (submit) {
            h.registration.submit(ops);
        }
    }

    /** An epoll event for this fd, on the home carrier. Never throws (Netty would stall 1 s). */
    void onEvent(FdHandle h, int ev) {
        boolean rd = (ev & READ_EVENTS) != 0;
        boolean wr = (ev & WRITE_EVENTS) != 0;
        waiters.advance(rd, wr, (ev & HANGUP_EVENTS) != 0);
        // Unlocked peeks: an event nobody waits for takes no lock (see FdWaiters' notes).
        boolean wakeReaders = rd && waiters.hasWaiters(PolledFd.READ);
        boolean wakeWriters = wr && waiters.hasWaiters(PolledFd.WRITE);
        boolean outEvent = (ev & Native.EPOLLOUT) != 0;
        if (!wakeReaders && !wakeWriters && !outEvent) {
            return;
        }
        boolean disarm = false;
        Object wake = null;
        waiters.lock();
        try {
            if (handle != h) {
                return; // stale event of a registration that was closed or replaced
            }
            if (wakeReaders) {
                wake = waiters.fire(PolledFd.READ, Waiter.READY, null);
            }
            if (wakeWriters) {
                wake = waiters.fire(PolledFd.WRITE, Waiter.READY, wake);
            } else if (outEvent && !waiters.hasWaiters(PolledFd.WRITE) && armed == BASE_OUT_OPS) {
                // Writable and nobody wants to write: stop EPOLLOUT, so events stop carrying it.
                armed = BASE_OPS;
                disarm = true;
            }
        } finally {
            waiters.unlock();
        }
        WaiterList.unparkAll(wake);
        if (disarm) {
            h.registration.submit(BASE_OPS);
        }
    }

    /** The home poller is being destroyed: forget the registration, wake everyone to retry. */
    void pollerGone(EpollPoller p) {
        Object wake;
        waiters.lock();
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
            wake = waiters.fireAll(Waiter.READY);
        } finally {
            waiters.unlock();
        }
        WaiterList.unparkAll(wake);
    }

    /** A snapshot of the fd's state, for diagnostics ({@link PolledFd#describe()}). */
    String describe() {
        waiters.lock();
        try {
            String[] states = {"unregistered", "pending", "registered", "unpollable", "closed"};
            return owner + " " + states[regState] + (home == null ? "" : " on " + home)
                    + ", interest " + (armed == BASE_OUT_OPS ? "in|out" : armed == BASE_OPS ? "in" : "-")
                    + ", " + waiters.describe() + ", requests " + requests;
        } finally {
            waiters.unlock();
        }
    }

    /** The fd's name ("fd N"), as in log messages about its events. */
    @Override
    public String toString() {
        return owner.toString();
    }
}
