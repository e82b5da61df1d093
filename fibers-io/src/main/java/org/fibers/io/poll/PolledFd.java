package org.fibers.io.poll;

import io.netty.channel.unix.FileDescriptor;
import org.fibers.scheduler.Scheduler;
import org.fibers.scheduler.TimerHandle;

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
public final class PolledFd {
    /*
     * Implementation notes.
     *
     * The record is three parts, each with its own notes: FdWaiters (the readiness sequences,
     * the waiter lists, and the fd's spin lock; why no edge is lost), FdRegistration (the
     * registration with the home carrier's poller, the interest set, and event delivery), and
     * FdLifetime (in-flight system calls and close). This class is their public face; it holds
     * no mutable state of its own. The waiter lists and their firing live in WaiterList.
     *
     * Lifetime. Every system call on the fd runs between acquire() and release(), and close()
     * holds a reference of its own while it works (FdLifetime); the descriptor is closed by
     * whoever drops the last reference. So a concurrent close can never make an in-flight call
     * hit a reused fd number, and the number stays ours until Netty has marked the registration
     * cancelled.
     */

    /** Direction: waiting to read (or accept). */
    public static final int READ = 0;
    /** Direction: waiting to write (or for a connect to finish). */
    public static final int WRITE = 1;
    /** {@link #link} result: the waiter is linked and will be fired later. */
    public static final int LINKED = Waiter.WAITING;

    private final FileDescriptor fd;
    private final FdLifetime life;
    private final FdWaiters waiters;
    private final FdRegistration registration;

    /** Wraps {@code fd}, which must be nonblocking. The record owns it from now on. */
    public PolledFd(FileDescriptor fd) {
        this.fd = fd;
        this.life = new FdLifetime(fd);
        this.waiters = new FdWaiters(this);
        this.registration = new FdRegistration(this, waiters);
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
        return waiters.hungUp();
    }

    /** The readiness sequence of {@code direction}; read it before the I/O attempt. */
    public int seq(int direction) {
        return waiters.seq(direction);
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
        registration.close();
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
        return registration.link(w, direction, seenSeq, poke);
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
        return waiters.withdraw(w);
    }

    /**
     * Fires {@code w} with {@link Waiter#TIMED_OUT} if it still waits here in the wait
     * identified by {@code token}. Any thread (timer tasks).
     */
    public boolean expire(Waiter w, long token) {
        return waiters.expire(w, token);
    }

    /** Number of linked waiters of {@code direction} (stale ones included). For tests and introspection. */
    public int waiterCount(int direction) {
        return waiters.count(direction);
    }

    @Override
    public String toString() {
        return "fd " + fd.intValue();
    }

    /** A snapshot of the record's state, for diagnostics. */
    public String describe() {
        return registration.describe();
    }
}
