package org.fibers.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;

/**
 * A scheduler's runnable tasks, oldest first: the {@link RunQueue} ring, which idle peers steal
 * from, and behind it an overflow deque for what does not fit, which only the carrier sees.
 *
 * <pre>
 * Implementation notes
 *
 * Only the carrier pushes and takes. Other threads read load() and isEmpty() as racy hints
 * (a peer deciding whether to steal or to wake someone), so the overflow's size is published
 * in overflowSize with an opaque store after every change.
 *
 * Order: while the overflow holds tasks, a new task goes behind them, never into the ring
 * ahead of them. A push first moves the oldest overflow into the ring, because thieves may
 * have made room there: a burst of spawns then stays where idle peers can see it.
 * </pre>
 */
final class LocalQueue {
    /** The stealable part; its owner is the carrier of the scheduler holding this queue. */
    final RunQueue ring = new RunQueue();
    /** Tasks beyond the ring's capacity, oldest first; carrier only. */
    private final ArrayDeque<Task> overflow = new ArrayDeque<>();
    /** overflow.size(), for other threads (written opaque by the carrier). */
    private volatile int overflowSize;

    /** Carrier only: appends {@code task} behind every task queued so far. */
    void push(Task task) {
        if (overflowSize != 0) {
            refill();
        }
        if (overflowSize != 0 || !ring.offer(task)) {
            overflow.addLast(task);
            OVERFLOW_SIZE.setOpaque(this, overflow.size());
        }
    }

    /** Carrier only: moves the oldest overflow into the ring while it has room. */
    void refill() {
        if (overflowSize == 0) {
            return;
        }
        Task t;
        while ((t = overflow.peekFirst()) != null && ring.offer(t)) {
            overflow.pollFirst();
        }
        OVERFLOW_SIZE.setOpaque(this, overflow.size());
    }

    /** Queued tasks, ring and overflow. Any thread; a racy snapshot. */
    int load() {
        return ring.size() + overflowSize;
    }

    /** True if nothing is queued. Any thread; a racy snapshot. */
    boolean isEmpty() {
        return overflowSize == 0 && ring.isEmpty();
    }

    // VarHandle mechanics
    private static final VarHandle OVERFLOW_SIZE;

    static {
        try {
            OVERFLOW_SIZE = MethodHandles.lookup().findVarHandle(LocalQueue.class, "overflowSize", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
