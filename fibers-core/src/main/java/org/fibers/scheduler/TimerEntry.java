package org.fibers.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One timer: a deadline and a task, owned by one scheduler's {@link TimerQueue}.
 *
 * <pre>
 * Implementation notes
 *
 * Exactly one of "fire" (the owning carrier, at or after the deadline) and "cancel" (any
 * thread) wins, by CAS on {@code state}. The heap position and sequence number are touched
 * only by the owning carrier. A cancel made on the owning carrier removes the entry from the
 * heap at once (O(log n)); a cancel made elsewhere only counts it, and the owner drops counted
 * entries when they surface, or sweeps the heap when they reach half of it.
 * </pre>
 */
final class TimerEntry implements TimerHandle {
    /*
     * state:  PENDING --fire (owner)--> FIRED
     *         PENDING --cancel (anyone)--> CANCELLED
     */
    static final int PENDING = 0;
    static final int FIRED = 1;
    static final int CANCELLED = 2;
    private volatile int state;

    final TimerQueue queue;
    final long deadline;
    final Runnable task;
    /** Tie-breaker for equal deadlines: insertion order. Owner only. */
    long seq;
    /** Position in the heap, or -1 when not in it. Owner only. */
    int heapIndex = -1;
    /** Link in the queue's remote-add stack; written before its publishing CAS. */
    TimerEntry next;

    TimerEntry(TimerQueue queue, long deadline, Runnable task) {
        this.queue = queue;
        this.deadline = deadline;
        this.task = task;
    }

    /** Owner only: claims the right to run the task. */
    boolean tryFire() {
        // Success: the task is ours to run. Failure: a canceller won; the entry is dead.
        return STATE.compareAndSet(this, PENDING, FIRED);
    }

    boolean isCancelled() {
        return state == CANCELLED;
    }

    @Override
    public boolean cancel() {
        if (!STATE.compareAndSet(this, PENDING, CANCELLED)) {
            return false; // already fired or cancelled: nothing to undo
        }
        // We won: the task will never run. Now get rid of the entry.
        if (queue.scheduler.onCarrier() && heapIndex >= 0) {
            queue.removeCancelled(this); // on the owning carrier: heapIndex is ours to read
        } else {
            queue.countRemoteCancel();
            queue.scheduler.wake(); // a sleeping owner sweeps at its next turn
        }
        return true;
    }

    @Override
    public long deadlineNanos() {
        return deadline;
    }

    @Override
    public boolean isPending() {
        return state == PENDING;
    }

    // VarHandle mechanics
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(TimerEntry.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
