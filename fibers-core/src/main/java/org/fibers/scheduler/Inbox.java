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
 * allocated.
 *
 * One link per task means a task may sit in one inbox at a time, and the JDK can submit a
 * virtual thread that is already queued: Thread.getStackTrace of an unmounted runnable
 * virtual thread (thread dumps, debuggers, the console) suspends it, restores it and then
 * submits it again, because a run attempted while it was suspended did nothing. Pushed twice,
 * the chain would lose the tasks between the two pushes (a lost wake-up, found by
 * ThreadDumpStressTest). So a push first claims the task's link (CAS null -> CLAIMED) and a
 * task whose link is taken is already in an inbox: that earlier entry runs it after this
 * push, so the push is dropped. The link is null exactly while the task is in no inbox: the
 * oldest entry of a chain links to END, not null, while it is in the stack and while the
 * consumer walks the taken chain; the consumer clears each link only once it has read it,
 * then fences, so a run that follows sees any state the dropped submitter had published.
 * A task in an inbox and in a run queue at once (pushed here after its clearing) runs twice:
 * harmless, since the JDK runs a virtual thread's continuation only when it is runnable.
 * </pre>
 */
final class Inbox {
    /** The link of the oldest task in the stack or in a taken chain: never null while linked. */
    static final Task END = new RunnableTask(null, () -> { });
    /** The link of a task being pushed, before it links to the current top. */
    private static final Task CLAIMED = new RunnableTask(null, () -> { });

    /**
     * Newest pushed task, linking to older ones down to END; null when empty.
     * <pre>  null --push--> T1->END --push--> T2->T1->END --takeAll--> null </pre>
     */
    private volatile Task top;

    /** Any thread. */
    void push(Task task) {
        if (!INBOX_NEXT.compareAndSet(task, (Task) null, CLAIMED)) {
            return; // already in an inbox, not yet taken: that entry will run it (see notes)
        }           // claimed: the task is ours to link
        for (;;) {
            Task t = top;
            task.inboxNext = t == null ? END : t;
            if (TOP.compareAndSet(this, t, task)) {
                return; // published; the link was written before the CAS
            }
            // Another producer or the consumer moved top: relink and retry.
        }
    }

    boolean isEmpty() {
        return top == null;
    }

    /**
     * Monitoring only, any thread: the tasks in the stack now, counting at most {@code limit}.
     * Racy: it walks links the producers and the consumer change under it (the consumer's
     * reversal can send it back up a taken chain), so the count may be off while tasks move;
     * the limit bounds the walk whatever happens.
     */
    int sizeRacy(int limit) {
        int n = 0;
        for (Task t = top; t != null && t != END && t != CLAIMED && n < limit; t = t.inboxNext) {
            n++;
        }
        return n;
    }

    /**
     * Consumer only: takes every task, oldest first, as a chain linked by inboxNext and ended
     * by {@link #END}; null when there was none. The caller clears each link with
     * {@link #unlink} as it walks the chain.
     */
    Task takeAll() {
        if (top == null) {
            return null; // the common case: no atomic exchange needed
        }
        Task t = (Task) TOP.getAndSet(this, (Task) null);
        Task reversed = END;
        while (t != END) {
            Task next = t.inboxNext;
            t.inboxNext = reversed;
            reversed = t;
            t = next;
        }
        return reversed;
    }

    /** Consumer only: the task after {@code t} in a taken chain; {@code t} may be pushed again from now on. */
    static Task unlink(Task t) {
        Task next = t.inboxNext;
        INBOX_NEXT.setRelease(t, (Task) null);
        return next;
    }

    // VarHandle mechanics
    private static final VarHandle TOP;
    private static final VarHandle INBOX_NEXT;

    static {
        try {
            TOP = MethodHandles.lookup().findVarHandle(Inbox.class, "top", Task.class);
            INBOX_NEXT = MethodHandles.lookup().findVarHandle(Task.class, "inboxNext", Task.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
