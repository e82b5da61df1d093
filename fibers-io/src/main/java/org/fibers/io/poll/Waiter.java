package org.fibers.io.poll;

/**
 * One party waiting for one direction of a {@link PolledFd}: a parked thread
 * ({@link ThreadWaiter}), a task to schedule, or an operation to complete. Low-level.
 *
 * <p>A waiter is linked into the fd's list by {@link PolledFd#link}, and leaves it in exactly one
 * way: fired by an event, by {@link PolledFd#close()} or by the poller going away; expired by a
 * timer ({@link PolledFd#expire}); or withdrawn by its owner ({@link PolledFd#withdraw}). A
 * waiter may be linked again after it left (sockets reuse theirs), but never twice at once.
 */
public abstract class Waiter {
    /*
     * Implementation notes. Every field below is written only under the lock of the PolledFd
     * the waiter is linked to (or before linking, by the thread that links it); the state is
     * volatile so that a parked owner can poll it without the lock.
     *
     * State diagram (all transitions under the fd's lock):
     *
     *   IDLE --link--> WAITING --fired by an event, or poller gone----> READY
     *                     |    --fired by close()------------------------> CLOSED
     *                     |    --expire(): its timer ran out-------------> TIMED_OUT
     *                     +----withdraw(): the owner gave up-------------> WITHDRAWN
     *   READY | CLOSED | TIMED_OUT | WITHDRAWN --link again (reuse)--> WAITING
     */

    /** Not linked yet. */
    public static final int IDLE = 0;
    /** Linked, not fired. */
    public static final int WAITING = 1;
    /** Fired by readiness (possibly spurious): retry the I/O. */
    public static final int READY = 2;
    /** Fired because the fd was closed. */
    public static final int CLOSED = 3;
    /** Expired by its timer. */
    public static final int TIMED_OUT = 4;
    /** Withdrawn by its owner. */
    public static final int WITHDRAWN = 5;

    /** See the state diagram. */
    volatile int state = IDLE;
    /** List links, under the fd's lock. */
    Waiter prev;
    Waiter next;
    /** The fd whose list holds this waiter, or null. */
    PolledFd owner;
    /** {@link PolledFd#READ} or {@link PolledFd#WRITE}, while linked. */
    int direction;
    /** Token that identifies one wait of a reused waiter (see {@link PolledFd#expire}). */
    long token;

    protected Waiter() {
    }

    /** The current state (see the constants). */
    public final int state() {
        return state;
    }

    /**
     * Called with the fd's lock held before the waiter is fired with {@code outcome}, while it is
     * still WAITING. Returning false (allowed for {@link #READY} only) keeps it linked to wait for
     * the next event: an operation that retried its I/O here and found nothing, or a waiter that
     * ignores readiness. The default takes every outcome.
     */
    protected boolean takes(int outcome) {
        return true;
    }

    /**
     * Called with the fd's lock held once the waiter was fired with {@code outcome}
     * ({@link #READY}, {@link #CLOSED} or {@link #TIMED_OUT}); the state is already set. Wakes
     * whoever waits. Must be short, must not block, and must not take another fd's lock.
     */
    protected abstract void fired(int outcome);

    /**
     * True if nobody cares about this waiter any more (an operation whose perform completed
     * through another branch); stale waiters are dropped when the list is pruned.
     */
    protected boolean isStale() {
        return false;
    }
}
