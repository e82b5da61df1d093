package org.fibers.scheduler;

import java.lang.invoke.VarHandle;

/**
 * How a task reaches a carrier's run queue: a {@link Scheduler}'s submissions, the inbox
 * through which other threads hand it tasks, and the wake-ups that spread queued work to idle
 * peers. One per scheduler.
 *
 * <pre>
 * Implementation notes
 *
 * Where a submission goes. {@link #submit} compares the caller's carrier with ours: the same
 * carrier means we are inside this scheduler's loop (a fiber running here, a timer, a task)
 * and the task goes straight into the run queue without synchronisation; anything else goes
 * through the lock-free inbox and wakes the carrier if it sleeps.
 *
 * Spreading work. When a turn starts, or a local push leaves, more than one task queued while
 * a peer sleeps and no peer is already spinning for work, the carrier wakes one peer, which
 * then steals half (waking at push time matters for a fiber that spawns many without
 * yielding: its turn may last long). Peers see only the ring of a LocalQueue, never its
 * overflow, which a push keeps draining into the ring.
 * A lone queued task is stolen only from a peer that has been running one task for a few
 * microseconds (Go's rule for its runnext slot): the common lone task is the partner that the
 * running fiber just woke and is about to block for, and taking it would split the pair. The
 * preemption ticker wakes an idle peer for a carrier that holds one task a whole tick.
 *
 * Submission runs on every fiber wake-up: the scheduler holds this helper in a final field,
 * and the helper keeps the queue and group it uses in final fields of its own, so the path
 * costs a couple of final-field loads more than inside Scheduler, no allocation, and no
 * call that C2 cannot inline (every class on it is final).
 * </pre>
 */
final class TaskRouting {
    /** {@link #submitWoken}: false (-Dfibers.readyOnWaker=false) keeps every woken task on its owner. */
    private static final boolean MIGRATE_ON_WAKE =
            Boolean.parseBoolean(System.getProperty("fibers.readyOnWaker", "true"));
    /** Queued tasks at which a local push wakes an idle peer (see pushLocal). */
    private static final int WAKE_ON_PUSH_BACKLOG = 4;

    private final Scheduler scheduler;
    private final SchedulerGroup group;
    /** The scheduler's run queue; only its carrier pushes here (pushLocal). */
    private final LocalQueue queue;
    /**
     * Tasks submitted from other threads, on their way to {@link #queue}.
     * <pre>  empty --submit off the carrier--> tasks --moveInboxToQueue (carrier)--> empty </pre>
     */
    private final Inbox inbox = new Inbox();

    TaskRouting(Scheduler scheduler) {
        this.scheduler = scheduler;
        this.group = scheduler.group;
        this.queue = scheduler.queue;
    }

    /** Makes {@code task} runnable here. Any thread; never blocks. */
    void submit(Task task) {
        if (scheduler.onCarrier()) {
            pushLocal(task);
        } else {
            inbox.push(task);
            scheduler.wake();
        }
    }

    /**
     * Makes a woken task runnable. When a peer's own loop is the waker (its poller saw the fd
     * the task waits on, or one of its timers or scheduled tasks ran), that peer takes the task
     * over and queues it locally: a fiber follows the poller its fd is registered with, as a
     * Netty channel stays on its event loop, and the wake costs no inbox push and no eventfd
     * write. A wake from a fiber (a channel partner on a peer) leaves the task on its owner, so
     * two fibers that talk keep a carrier each (see {@link BlockSpin}). Anywhere else the
     * owner gets it as by {@link #submit}.
     */
    void submitWoken(Task task) {
        if (scheduler.onCarrier()) {
            pushLocal(task);
            return;
        }
        Scheduler here = MIGRATE_ON_WAKE ? wakingLoop() : null;
        if (here != null && here.group == group) {
            task.adopt(here); // we hold the task (it is in no queue): the owner is ours to set
            here.routing.pushLocal(task);
        } else {
            inbox.push(task);
            scheduler.wake();
        }
    }

    /**
     * The scheduler whose own loop runs the caller (its poller, a timer, a scheduled task), or
     * null when the caller is a fiber or runs on no carrier of ours. A fiber is recognised by
     * the task its carrier runs, not by {@code Thread.currentThread()}: on JDK 21 to 23 the JDK
     * calls a virtual thread's executor from {@code unpark} with the carrier thread as the
     * current thread (it switches to it first), on JDK 24 and later with the virtual thread
     * itself (pinned), so a fiber waking a fiber looks like a platform thread on the former.
     */
    private static Scheduler wakingLoop() {
        if (Thread.currentThread().isVirtual()) {
            return null;                        // JDK 24+: the waker is a fiber
        }
        Scheduler s = Scheduler.current();
        if (s == null) {
            return null;
        }
        Task running = s.carrierLoop.runningTaskHere(); // plain read: we run on s's carrier, its writer
        return running == null || running instanceof RunnableTask ? s : null;
    }

    private void pushLocal(Task task) {
        queue.push(task);
        if (group.members.length > 1 && queue.ring.size() >= WAKE_ON_PUSH_BACKLOG) {
            // A backlog a sleeping peer would steal at once (Go's wakep on runqput): wake one
            // now rather than at our next turn, which a long run (a spawning loop) delays.
            // Not for one or two queued tasks: those are the partners running fibers just
            // woke, and the turn-start check covers them without waking peers on every push.
            wakeIdlePeer();
        }
    }

    /** Turn start: moves what other threads submitted into the run queue, oldest first. Carrier only. */
    void moveInboxToQueue() {
        Task t = inbox.takeAll();
        if (t == null) {
            return;
        }
        while (t != Inbox.END) {
            Task next = Inbox.unlink(t);
            pushLocal(t);
            t = next;
        }
        // The cleared links before the runs' reads of thread state: a submitter whose push a
        // link still in place made it drop (Inbox's notes) published its state before that push.
        VarHandle.fullFence();
    }

    /** Tasks in the inbox now, at most {@code limit} (racy, for monitoring). Any thread. */
    int inboxLength(int limit) {
        return inbox.sizeRacy(limit);
    }

    /** True if runnable tasks are queued or in the inbox. Any thread; a racy snapshot. */
    boolean workPending() {
        return !queue.isEmpty() || !inbox.isEmpty();
    }

    /** Work for this carrier is queued or on its way. Any thread; racy. */
    boolean hasIncoming() {
        return !inbox.isEmpty() || scheduler.timers.hasRemoteAdds() || !queue.isEmpty();
    }

    /**
     * Called by the preemption ticker for a carrier that has run one task for a whole tick: if
     * anything waits in its queue, wakes an idle peer, which steals it (even a lone task, see
     * {@link WorkSearch}).
     */
    void hogHasQueuedWork() {
        if (queue.load() > 0) {
            wakeIdlePeer();
        }
    }

    /** Wakes one sleeping peer, unless some member already spins looking for work. Any thread. */
    void wakeIdlePeer() {
        if (group.spinning.get() > 0) {
            return; // someone is already looking for work
        }
        for (Scheduler s : group.members) {
            if (s != scheduler && s.carrierLoop.isSleeping() && s.carrier != null) {
                s.wake();
                return;
            }
        }
    }
}
