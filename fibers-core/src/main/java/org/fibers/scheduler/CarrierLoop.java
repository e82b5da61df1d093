package org.fibers.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.BooleanSupplier;
import org.fibers.jfr.FiberEvents;
import org.fibers.jfr.SchedulerSleepEvent;

/**
 * The carrier side of a {@link Scheduler}: its turns, what it does when it finds nothing to
 * run (steal, spin, sleep in the poller), and the handshake by which other threads wake it.
 *
 * <pre>
 * Implementation notes
 *
 * Turns (Guile's model). Each turn the carrier: moves tasks from its inbox (submitted from
 * other threads) into its run queue; fires due timers; lets the poller handle ready events
 * without blocking; then runs the tasks queued before the turn began, so a task queued during
 * the turn (a fiber that yields, or one woken by another) runs next turn: nobody runs twice
 * in a turn. A turn that finds nothing tries to steal from a random peer, then spins briefly
 * (WorkSearch), then blocks in the poller until its next timer or a wakeup.
 *
 * Sleeping handshake (Dekker style, all volatile): the carrier writes SLEEPING, then re-checks
 * its inbox and timers before blocking; a submitter pushes, then reads the flag and, if it
 * wins the CAS SLEEPING -> AWAKE, calls poller.wakeup(). One of the two always sees the other.
 *
 * A turn that starts with more than one task queued wakes an idle peer to steal half (see
 * "Spreading work" in TaskRouting's notes).
 *
 * Only the carrier writes the counters and runningTask; other threads read them racily
 * (the preemption ticker, peers deciding whether to steal, monitoring).
 * </pre>
 */
final class CarrierLoop {
    /** {@link #idle} without a preemption ticker (hz 0): how often to look again at a lone queued task. */
    private static final long LONE_RECHECK_NANOS = 1_000_000;
    private static final int AWAKE = 0;
    private static final int SLEEPING = 1;

    private final Scheduler scheduler;
    /** Stealing and spinning when idle; carrier only. */
    final WorkSearch search;
    /** Task being run now, or null; written by the carrier (release), read racily by others. */
    private Task runningTask;
    /** Count of tasks run; written by the carrier (release); the preemption ticker reads it. */
    private long runSeq;
    /** Turns taken; written by the carrier (opaque). */
    private long runcount;
    /** Times the carrier went to sleep in its poller for lack of work; written by the carrier (opaque). */
    private long sleeps;
    /**
     * Idle handshake.
     * <pre>  AWAKE --carrier, before blocking--> SLEEPING --carrier returns, or a waker's CAS--> AWAKE </pre>
     */
    private volatile int sleeping;
    /**
     * When a waker last turned this carrier from SLEEPING to AWAKE (System.nanoTime); the
     * carrier compares it with its own sleep's start to measure the wake latency.
     * <pre>  0 --waker's CAS won--> t --later wakers--> t' (never cleared; stale stamps predate a sleep) </pre>
     */
    private volatile long wokenAt;

    CarrierLoop(Scheduler scheduler) {
        this.scheduler = scheduler;
        this.search = new WorkSearch(scheduler);
    }

    /** Takes turns until {@code finished} holds or the scheduler is closed. Carrier only. */
    void run(BooleanSupplier finished) {
        Scheduler s = scheduler;
        while (!s.lifecycle.isClosed() && !finished.getAsBoolean()) {
            if (!turn() && !search.steal()) {
                idle(finished);
            }
        }
    }

    /** One turn; false when it found nothing at all to do. */
    private boolean turn() {
        Scheduler s = scheduler;
        RUNCOUNT.setOpaque(this, runcount + 1);
        s.routing.moveInboxToQueue();
        TimerQueue timers = s.timers;
        timers.drainRemote();
        int fired = timers.size() == 0 ? 0 : timers.fireDue(System.nanoTime(), s.timerFailureHandler);
        LocalQueue queue = s.queue;
        queue.refill();
        s.poller().pollNow();
        RunQueue ring = queue.ring;
        long end = ring.tailIndex();
        boolean alone = s.group.members.length == 1;
        if (!alone && queue.load() > 1) {
            s.routing.wakeIdlePeer();
        }
        int ran = 0;
        Task t;
        while ((t = ring.pollBefore(end, alone)) != null) {
            runTask(t);
            ran++;
        }
        return ran + fired > 0;
    }

    private void runTask(Task t) {
        RUNNING.setRelease(this, t);
        RUN_SEQ.setRelease(this, runSeq + 1);
        try {
            t.run();
        } catch (Throwable failure) {
            scheduler.group.report(t, failure);
        }
        if (Sysmon.PENDING.get() != 0) {
            t.takePreemption(); // a mark set during a run that just ended is stale
        }
        RUNNING.setRelease(this, (Task) null);
    }

    private void idle(BooleanSupplier finished) {
        Scheduler s = scheduler;
        long deadline = s.timers.nextDeadline();
        if (WorkSearch.SPIN_NANOS > 0 && !s.poller().hasRegistrations() && search.spin(deadline)) {
            return;
        }
        sleeping = SLEEPING;
        if (s.routing.hasIncoming() || search.peersHaveSurplus() || s.lifecycle.isClosed() || finished.getAsBoolean()) {
            sleeping = AWAKE;
            return;
        }
        if (!s.group.preemptive && search.peersHaveWork()) {
            // No ticker will wake us if that lone task sits behind a long run: look again soon.
            long soon = System.nanoTime() + LONE_RECHECK_NANOS;
            deadline = deadline - soon < 0 ? deadline : soon;
        }
        // About to sleep: a good moment to let ended fibers go.
        s.queue.ring.forgetStolen();
        s.group.sweepRegistriesIfSparse(s);
        SLEEPS.setOpaque(this, sleeps + 1);
        long sleptAt = System.nanoTime();
        SchedulerSleepEvent slept = FiberEvents.sleepBegin();
        s.poller().pollBlocking(deadline);
        sleeping = AWAKE;
        long woken = wokenAt;
        boolean byWaker = woken != 0 && woken - sleptAt >= 0;
        if (byWaker) {
            s.group.recordWakeLatency(System.nanoTime() - woken); // a waker ended this sleep
        }
        if (slept != null) {
            FiberEvents.sleepEnd(slept, s, sleptAt, deadline, byWaker);
        }
    }

    /** True while the carrier sleeps in its poller and no waker has claimed it yet. Any thread; racy. */
    boolean isSleeping() {
        return sleeping == SLEEPING;
    }

    /** Wakes the carrier if it sleeps. Any thread. */
    void wake() {
        if (sleeping == SLEEPING && SLEEPING_VH.compareAndSet(this, SLEEPING, AWAKE)) {
            wokenAt = System.nanoTime();
            scheduler.poller().wakeup(); // we turned it AWAKE, so the wakeup is ours to send
        }
        // else: it is awake, or another waker already sent the wakeup
    }

    /** Closing: the carrier must not go back to sleep; the caller wakes the poller itself. */
    void forceAwake() {
        sleeping = AWAKE;
    }

    long runcount() {
        return (long) RUNCOUNT.getOpaque(this);
    }

    long sleepCount() {
        return (long) SLEEPS.getOpaque(this);
    }

    /** The running task, read by the carrier itself (its only writer): a plain read. */
    Task runningTaskHere() {
        return runningTask;
    }

    Task runningTaskRacy() {
        return (Task) RUNNING.getAcquire(this);
    }

    long runSeqRacy() {
        return (long) RUN_SEQ.getAcquire(this);
    }

    // VarHandle mechanics
    private static final VarHandle RUNNING;
    private static final VarHandle RUN_SEQ;
    private static final VarHandle RUNCOUNT;
    private static final VarHandle SLEEPS;
    private static final VarHandle SLEEPING_VH;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RUNNING = l.findVarHandle(CarrierLoop.class, "runningTask", Task.class);
            RUN_SEQ = l.findVarHandle(CarrierLoop.class, "runSeq", long.class);
            RUNCOUNT = l.findVarHandle(CarrierLoop.class, "runcount", long.class);
            SLEEPS = l.findVarHandle(CarrierLoop.class, "sleeps", long.class);
            SLEEPING_VH = l.findVarHandle(CarrierLoop.class, "sleeping", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
