package org.fibers.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Fibers started from one scheduler's carrier, and fibers that ended on it: that carrier's
 * part of its group's live-fiber count ({@link SchedulerGroup#liveFibers}).
 *
 * <pre>
 * Implementation notes
 *
 * One writer, the scheduler's carrier, so a count is a plain increment published with a
 * release store: spawning and ending cost no atomic operation. Any thread reads the counts
 * with acquire loads (the group summing its live fibers). Fibers started from threads that
 * are not carriers of the group are counted by the group itself.
 * </pre>
 */
final class FiberCounts {
    /**
     * Fibers started from this carrier; written by it (release).
     * <pre>  0 --countStarted (carrier)--> 1 --countStarted--> 2 ... (only grows) </pre>
     */
    private long started;
    /**
     * Fibers that ended on this carrier; written by it (release).
     * <pre>  0 --countEnded (carrier)--> 1 --countEnded--> 2 ... (only grows) </pre>
     */
    private long ended;

    /** On this carrier only. */
    void countStarted() {
        STARTED.setRelease(this, started + 1);
    }

    /** On this carrier only. */
    void countEnded() {
        ENDED.setRelease(this, ended + 1);
    }

    long startedCount() {
        return (long) STARTED.getAcquire(this);
    }

    long endedCount() {
        return (long) ENDED.getAcquire(this);
    }

    // VarHandle mechanics
    private static final VarHandle STARTED;
    private static final VarHandle ENDED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STARTED = l.findVarHandle(FiberCounts.class, "started", long.class);
            ENDED = l.findVarHandle(FiberCounts.class, "ended", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
