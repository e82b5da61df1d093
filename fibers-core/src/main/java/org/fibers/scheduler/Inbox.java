package org.fibers.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Tasks submitted to a scheduler from threads other than its carrier.
 *
 * <pre>
 * Implementation notes
 *
 * An intrusive Treiber stack (tasks link through {@link Task#inboxNext}): producers push by
 * CAS on {@code top}; the single consumer, the scheduler's carrier, takes everything at once
 * with getAndSet(null) and reverses the chain, which restores submission order. No node is
 * allocated, and a task is in at most one queue at a time, so the intrusive link is safe.
 * </pre>
 */
final class Inbox {
    /**
     * Newest pushed task, linking to older ones; null when empty.
     * <pre>  null --push--> T1 --push--> T2->T1 --takeAll--> null </pre>
     */
    private volatile Task top;

    /** Any thread. */
    void push(Task task) {
        for (;;) {
            Task t = top;
            task.inboxNext = t;
            if (TOP.compareAndSet(this, t, task)) {
                return; // published; the link was written before the CAS
            }
            // Another producer or the consumer moved top: relink and retry.
        }
    }

    boolean isEmpty() {
        return top == null;
    }

    /** Consumer only: takes every task, oldest first, as a chain linked by inboxNext. */
    Task takeAll() {
        if (top == null) {
            return null; // the common case: no atomic exchange needed
        }
        Task t = (Task) TOP.getAndSet(this, (Task) null);
        Task reversed = null;
        while (t != null) {
            Task next = t.inboxNext;
            t.inboxNext = reversed;
            reversed = t;
            t = next;
        }
        return reversed;
    }

    // VarHandle mechanics
    private static final VarHandle TOP;

    static {
        try {
            TOP = MethodHandles.lookup().findVarHandle(Inbox.class, "top", Task.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
