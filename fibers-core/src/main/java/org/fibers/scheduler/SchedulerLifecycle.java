package org.fibers.scheduler;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Running and closing one {@link Scheduler}: a thread taking its loop and giving it back, the
 * thread its group starts for it and later asks to stop, and closing, which ends the loop for
 * good and releases the poller once. One per scheduler.
 *
 * <pre>
 * Implementation notes
 *
 * The loop is taken by claiming the scheduler's carrier field (Scheduler#claimCarrier, a CAS
 * made under RunningSchedulers' lock, which also publishes the scheduler to current()) and
 * given back when it exits (Scheduler#releaseCarrier). On its way out, still the carrier,
 * the loop clears the ring slots of stolen tasks and sweeps its registry: a scheduler at rest
 * keeps no ended fiber reachable.
 *
 * Closing is for the whole group: close() marks every member closed, forces each carrier
 * awake so that it does not go back to sleep, and wakes its poller; the loop sees the mark
 * at its next turn and exits. The poller is closed once, by whoever comes last of close()
 * and the exiting loop: close() closes the pollers of members whose carrier is gone, and a
 * loop that was still running closes its own as it exits. Both sides write their flag
 * (closed, carrier) before reading the other's, all volatile, so at least one of them closes
 * the poller; pollerClosed, set under the lock, makes it at most one.
 *
 * Threads started for a scheduler (by its group, or the fallback timer scheduler's own):
 * expectCarrier, before the thread starts, so that kernelThread() names it before it claims
 * the loop; the thread then runs the loop until requestStop (the group's stopPeers, at the
 * end of Fibers.run or on close).
 * </pre>
 */
final class SchedulerLifecycle {
    private final Scheduler scheduler;
    /**
     * The thread started for this scheduler by its group, before it sets the carrier.
     * <pre>  null --expectCarrier(t)--> t --next expectCarrier(t')--> t' (never cleared) </pre>
     */
    private volatile Thread expectedCarrier;
    /**
     * Peers' loops started by the group stop when this is set (end of Fibers.run).
     * <pre>  false --requestStop--> true --expectCarrier (a new thread)--> false </pre>
     */
    private volatile boolean stopRequested;
    /** <pre>  false --close() (any thread, for every member)--> true (final) </pre> */
    private volatile boolean closed;
    /** <pre>  false --first closePoller, under the lock--> true (final) </pre> */
    private volatile boolean pollerClosed;

    SchedulerLifecycle(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** See {@link Scheduler#run}. */
    void run(BooleanSupplier finished) {
        Objects.requireNonNull(finished, "finished");
        Thread me = Thread.currentThread();
        if (me.isVirtual()) {
            throw new IllegalStateException("a scheduler must run on a platform thread, not on a virtual thread or fiber");
        }
        if (closed) {
            throw new IllegalStateException(scheduler + " is closed");
        }
        Scheduler s = scheduler;
        RunningSchedulers.add(s, me); // we own the loop now, and current() finds us
        try {
            s.carrierLoop.run(finished);
        } finally {
            RunningSchedulers.remove(s);
            // While still the carrier: a scheduler at rest keeps no ended fiber reachable.
            s.queue.ring.forgetStolen();
            s.registry.sweep();
            s.releaseCarrier();
            if (closed) {
                closePoller();
            }
        }
    }

    /** See {@link Scheduler#start()}. */
    void start() {
        if (closed) {
            throw new IllegalStateException(scheduler + " is closed");
        }
        scheduler.group.startPeers(null);
    }

    /** The body of a thread its group started for this scheduler. */
    void runUntilStopped() {
        run(() -> stopRequested);
    }

    /** Before {@code t}, started for this scheduler, runs {@link #runUntilStopped}. */
    void expectCarrier(Thread t) {
        stopRequested = false;
        expectedCarrier = t;
    }

    Thread expectedCarrier() {
        return expectedCarrier;
    }

    void requestStop() {
        stopRequested = true;
        scheduler.wake();
    }

    boolean isClosed() {
        return closed;
    }

    /** See {@link Scheduler#close()}: closes every member of the group. */
    void closeGroup() {
        SchedulerGroup group = scheduler.group;
        for (Scheduler s : group.members) {
            s.lifecycle.closed = true;
            s.carrierLoop.forceAwake();
            s.poller().wakeup();
        }
        group.stopSysmon();
        group.stopPeers();
        for (Scheduler s : group.members) {
            if (s.carrier == null) {
                s.lifecycle.closePoller();
            }
        }
    }

    private void closePoller() {
        synchronized (this) {
            if (pollerClosed) {
                return;
            }
            pollerClosed = true;
        }
        try {
            scheduler.poller().close();
        } catch (RuntimeException e) {
            scheduler.group.report("poller of " + scheduler, e);
        }
    }
}
