package org.fibers.scheduler;

/**
 * Low-level: something a scheduler runs on its carrier thread. A fiber is a task that is
 * submitted each time it becomes runnable; {@link Scheduler#schedule(Runnable)} wraps a
 * plain runnable in a one-shot task.
 *
 * <p>A task is in at most one queue at a time: its submitter must not submit it again before
 * it has run. The scheduler that currently holds a task is its {@linkplain #owner() owner};
 * a peer that steals the task becomes its owner before running it, and later submissions go
 * to that new owner.
 */
public abstract class Task {
    /**
     * The scheduler this task is submitted to. Written by whoever creates the task and by a
     * thief while it holds the task in its queue; read by {@link #submit()}. Volatile for its
     * readers; written with release stores ({@link #adopt}), never a fence: whoever hands the
     * task on to another thread (a queue, the JDK's park/unpark) publishes it after the write.
     */
    volatile Scheduler owner;
    /**
     * Link in a scheduler's inbox (see {@link Inbox}'s notes); null exactly while the task is
     * in no inbox. Plain: Inbox uses plain stores where only the consumer or the claiming
     * producer writes it, and CAS or release stores where other threads race on it.
     * <pre>  null --push claims (CAS)--> CLAIMED --linked--> next task | END --taken, unlinked--> null </pre>
     */
    Task inboxNext;
    /**
     * Set by the preemption ticker when this task has run a whole slice; cleared when the task
     * yields at a preemption point or its run ends.
     * <pre>  false --ticker (CAS)--> true --preemption point or end of run (CAS)--> false </pre>
     */
    private volatile boolean preemptRequested;

    /**
     * A task owned by {@code owner}, not yet scheduled; a work-stealing peer may become its owner
     * later.
     *
     * @param owner the scheduler whose run queue it goes to first
     */
    protected Task(Scheduler owner) {
        OWNER.setRelease(this, owner); // a volatile store here would cost a full fence per fiber
    }

    /** Makes {@code scheduler} the owner; only by whoever holds the task (in no other queue). */
    final void adopt(Scheduler scheduler) {
        OWNER.setRelease(this, scheduler);
    }

    /** Runs one step of this task on the current carrier. Called only by a scheduler. */
    protected abstract void run();

    /** {@return the scheduler that currently owns this task} */
    public final Scheduler owner() {
        return owner;
    }

    /** Makes this task runnable on its current owner. Thread-safe, never blocks. */
    protected final void submit() {
        owner.routing.submit(this);
    }

    /**
     * Makes this task runnable again after a wait. A waker running on a peer scheduler's
     * carrier takes the task over (see {@link TaskRouting#submitWoken}); otherwise as
     * {@link #submit()}. Thread-safe, never blocks.
     */
    protected final void submitWoken() {
        owner.routing.submitWoken(this);
    }

    void requestPreemption() {
        if (PREEMPT.compareAndSet(this, false, true)) {
            Sysmon.PENDING.incrementAndGet(); // we set the mark: count it once
        }
        // else: already marked and counted
    }

    /** Consumes this task's preemption mark; true if there was one. */
    boolean takePreemption() {
        if (preemptRequested && PREEMPT.compareAndSet(this, true, false)) {
            Sysmon.PENDING.decrementAndGet(); // we cleared the mark: uncount it once
            return true;
        }
        return false; // not marked, or another path cleared it first
    }

    /**
     * Counts a fiber as started in its owner's group (for drain) and registers it, so that the
     * end of {@code Fibers.run} can cancel it if it is still alive.
     */
    protected final void countFiberStarted() {
        owner.group.fiberStarted(this);
    }

    /**
     * For fibers: true once the fiber has ended.
     *
     * @return whether the fiber has ended; false for plain tasks, which end with each run
     */
    protected boolean taskFinished() {
        return false;
    }

    /** For fibers: cancels the fiber. */
    protected void cancelTask() {
    }

    /** Counts a fiber as finished in its owner's group (for drain). */
    protected final void countFiberFinished() {
        Scheduler where = owner; // a running fiber's owner is the scheduler running it
        where.group.fiberFinished(where);
    }

    /**
     * Hands an exception that escaped this task to its group's handler.
     *
     * @param failure what escaped the task
     */
    protected final void reportUncaught(Throwable failure) {
        owner.group.report(this, failure);
    }

    // VarHandle mechanics
    private static final java.lang.invoke.VarHandle PREEMPT;
    private static final java.lang.invoke.VarHandle OWNER;

    static {
        try {
            PREEMPT = java.lang.invoke.MethodHandles.lookup().findVarHandle(Task.class, "preemptRequested", boolean.class);
            OWNER = java.lang.invoke.MethodHandles.lookup().findVarHandle(Task.class, "owner", Scheduler.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
