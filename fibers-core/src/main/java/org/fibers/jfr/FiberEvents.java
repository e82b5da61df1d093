package org.fibers.jfr;

import org.fibers.Fiber;
import org.fibers.FiberCancelledException;
import org.fibers.introspect.DescribesWait;
import org.fibers.introspect.WaitDescription;
import org.fibers.scheduler.Scheduler;

/**
 * Low-level: the hooks by which fibers-core emits its JFR events; not for applications.
 *
 * <pre>
 * Implementation notes
 *
 * Every hook starts with the pattern the JFR documentation recommends for cheap events:
 * allocate the event, ask isEnabled(). Until JFR records, an event class is not instrumented
 * and isEnabled() is Event's own "return false"; once it records, the instrumented method
 * reads the event's static configuration. Either way the JIT inlines it and removes the
 * unused allocation, so a disabled hook costs a field read. Everything else (a name's string,
 * a wait's description) is computed only for an event that will be committed: for a duration
 * event, after end() and shouldCommit(), which also applies the threshold.
 *
 * Events committed on a carrier thread (steals, sleeps) are preceded by a CarrierPrimerEvent:
 * on JDK 25 the first event a platform thread commits after a virtual thread mounted on it
 * committed one is lost (seen with custom schedulers; the primer is the one lost).
 * </pre>
 */
public final class FiberEvents {
    static {
        // Load (not register) every event class now, with the first spawn: a class first loaded
        // while a recording runs misses the events of its first uses.
        for (Class<?> c : new Class<?>[] {FiberSpawnedEvent.class, FiberEndedEvent.class, FiberBlockedEvent.class,
            FiberStealEvent.class, SchedulerSleepEvent.class, CarrierPrimerEvent.class}) {
            try {
                Class.forName(c.getName(), true, c.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    private FiberEvents() {
    }

    /**
     * A fiber is about to start on {@code scheduler}.
     * Commits a {@link FiberSpawnedEvent} when that event is enabled.
     *
     * @param fiber the new fiber
     * @param scheduler where it starts
     */
    public static void spawned(Fiber<?> fiber, Scheduler scheduler) {
        FiberSpawnedEvent e = new FiberSpawnedEvent();
        if (e.isEnabled()) {
            e.fiber = fiber.name();
            e.fiberId = fiber.id();
            e.scheduler = scheduler.name();
            e.commit();
        }
    }

    /**
     * {@code fiber}'s body ended on {@code scheduler}, with {@code failure} (null: it returned).
     * Commits a {@link FiberEndedEvent} when that event is enabled.
     *
     * @param fiber the fiber that ended
     * @param scheduler the scheduler it ended on
     * @param failure what it threw, or null when it returned
     */
    public static void ended(Fiber<?> fiber, Scheduler scheduler, Throwable failure) {
        FiberEndedEvent e = new FiberEndedEvent();
        if (e.isEnabled()) {
            e.fiber = fiber.name();
            e.fiberId = fiber.id();
            e.scheduler = scheduler.name();
            e.outcome = failure == null ? "returned" : failure instanceof FiberCancelledException ? "cancelled" : "failed";
            e.failure = failure == null ? null : failure.getClass().getName();
            e.commit();
        }
    }

    /**
     * A perform is about to park for the first time: a started event, or null when disabled.
     *
     * @return the begun event, to pass to {@link #blockEnd}, or null when the event is disabled
     */
    public static FiberBlockedEvent blockBegin() {
        FiberBlockedEvent e = new FiberBlockedEvent();
        if (!e.isEnabled()) {
            return null;
        }
        e.begin();
        return e;
    }

    /**
     * The perform of {@link #blockBegin()} woke; commits when it waited longer than the threshold.
     *
     * @param e what {@link #blockBegin()} returned; null does nothing
     * @param waitedFor what the perform waited on, described in the event
     */
    public static void blockEnd(FiberBlockedEvent e, DescribesWait waitedFor) {
        e.end();
        if (e.shouldCommit()) {
            Fiber<?> f = Fiber.current();
            Scheduler s = Scheduler.current();
            e.fiber = f != null ? f.name() : Thread.currentThread().getName();
            e.scheduler = s != null ? s.name() : "";
            WaitDescription w = waitedFor.describeWait();
            e.waitKind = w.kind();
            e.waitedFor = w.toText(System.nanoTime());
            e.commit();
        }
    }

    /** See {@link CarrierPrimerEvent}: before a commit on a carrier thread. */
    private static void primeCarrier() {
        new CarrierPrimerEvent().commit();
    }

    /**
     * {@code thief} took {@code tasks} tasks from {@code victim}'s run queue.
     * Commits a {@link FiberStealEvent} when that event is enabled.
     *
     * @param thief the idle scheduler that stole
     * @param victim the peer it stole from
     * @param tasks how many tasks it took
     */
    public static void stole(Scheduler thief, Scheduler victim, int tasks) {
        FiberStealEvent e = new FiberStealEvent();
        if (e.isEnabled()) {
            e.thief = thief.name();
            e.victim = victim.name();
            e.tasks = tasks;
            primeCarrier();
            e.commit();
        }
    }

    /**
     * A carrier is about to sleep in its poller: a started event, or null when disabled.
     *
     * @return the begun event, to pass to {@link #sleepEnd}, or null when the event is disabled
     */
    public static SchedulerSleepEvent sleepBegin() {
        SchedulerSleepEvent e = new SchedulerSleepEvent();
        if (!e.isEnabled()) {
            return null;
        }
        e.begin();
        return e;
    }

    /**
     * The sleep of {@link #sleepBegin()} ended; {@code deadlineNanos} was its limit
     * ({@code Long.MAX_VALUE}: none) set at {@code sleptAtNanos}, {@code woken} whether a waker ended it.
     *
     * @param e what {@link #sleepBegin()} returned; null does nothing
     * @param scheduler the scheduler whose carrier slept
     * @param sleptAtNanos when it went to sleep, on the {@link System#nanoTime()} scale
     * @param deadlineNanos when it was to wake at the latest ({@code Long.MAX_VALUE}: no limit)
     * @param woken whether a waker (a submission from another thread) ended the sleep
     */
    public static void sleepEnd(SchedulerSleepEvent e, Scheduler scheduler, long sleptAtNanos, long deadlineNanos,
                                boolean woken) {
        e.end();
        if (e.shouldCommit()) {
            e.scheduler = scheduler.name();
            e.timeout = deadlineNanos == Long.MAX_VALUE ? -1 : Math.max(0, deadlineNanos - sleptAtNanos);
            e.woken = woken;
            primeCarrier();
            e.commit();
        }
    }
}
