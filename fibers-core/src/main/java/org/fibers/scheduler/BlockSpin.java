package org.fibers.scheduler;

import java.util.function.BooleanSupplier;

/**
 * Low-level, for blocking primitives: a fiber about to park for a partner may busy-wait a
 * little first, as {@code SynchronousQueue} does between platform threads, when a partner on a
 * peer's carrier can answer in parallel. The partner then completes the wait without a park,
 * an unpark and a resubmission: a cross-carrier hand-off costs one cache-line transfer instead
 * of a trip through the owner's run queue.
 *
 * <pre>
 * Implementation notes
 *
 * A fiber may spin only while its carrier has nothing else to do: the group has peers, no
 * other task is runnable here or on its way (inbox, remote timers), and no fd is registered
 * with this carrier's poller (events may be pending; the poller is only read between tasks).
 * The spin re-checks for incoming work every 16 pauses and stops at the next timer deadline,
 * so a spinning fiber never delays work of its own carrier by more than that. The budget is
 * -Dfibers.blockSpinMicros (5; 0 turns spinning off). All reads are racy hints: a wrong
 * answer costs a little CPU or a park, never correctness, since the caller parks afterwards
 * unless its own condition held.
 * </pre>
 */
public final class BlockSpin {
    /** How long a blocked fiber may busy-wait before it parks. */
    private static final long NANOS = Long.getLong("fibers.blockSpinMicros", 5) * 1000L;

    private BlockSpin() {
    }

    /**
     * {@return the scheduler of the calling fiber when that fiber may busy-wait before it parks (see the
     * class notes), else null}
     */
    public static Scheduler candidate() {
        if (NANOS <= 0) {
            return null;
        }
        Scheduler s = Scheduler.current();
        if (s == null || s.group.members.length == 1 || s.poller().hasRegistrations() || s.routing.hasIncoming()
                || !Thread.currentThread().isVirtual()) {
            return null;
        }
        return s;
    }

    /**
     * Busy-waits until {@code done} holds, work arrives for {@code here}, a timer of
     * {@code here} falls due, or the budget passes. Call only with the {@link #candidate()} of
     * the calling fiber.
     *
     * @param here the calling fiber's scheduler
     * @param done the condition the fiber would park for
     * @return true once {@code done} held; false when the budget is spent or work arrived
     */
    public static boolean beforePark(Scheduler here, BooleanSupplier done) {
        long until = System.nanoTime() + NANOS;
        long nextDue = here.timers.nextDeadline();
        if (nextDue != Long.MAX_VALUE && nextDue - until < 0) {
            until = nextDue;
        }
        for (;;) {
            for (int i = 0; i < 16; i++) {
                Thread.onSpinWait();
                if (done.getAsBoolean()) {
                    return true;
                }
            }
            if (here.routing.hasIncoming() || System.nanoTime() - until >= 0) {
                return false;
            }
        }
    }
}
