package org.fibers.timers;

import java.time.Duration;
import java.util.Objects;
import org.fibers.introspect.WaitDescription;
import org.fibers.operations.BaseOperation;
import org.fibers.operations.OpState;
import org.fibers.operations.Operation;
import org.fibers.operations.Resumer;
import org.fibers.scheduler.Scheduler;
import org.fibers.scheduler.TimerHandle;

/**
 * Timer operations (Guile's {@code (fibers timers)}): operations that complete, yielding null,
 * once a point in time has passed. Combine them with {@link Operation#choice} for timeouts.
 *
 * <p>While blocked, a timer operation holds one entry in the timer queue of
 * {@link Scheduler#timerScheduler()} (the performing fiber's scheduler, or a shared fallback
 * scheduler for plain threads). When another branch of the choice wins, or the perform is
 * cancelled, the entry is cancelled and removed at once, so a loop of
 * {@code choice(get, sleepOperation(...))} does not accumulate timers (Guile issue #109).
 * Time is {@link System#nanoTime()}.
 */
public final class Timers {
    /*
     * Implementation notes.
     *
     * As Guile's timers.scm: try succeeds iff the deadline has passed; block schedules an
     * Expiry task at the deadline on the timer scheduler and returns the entry's cancel as the
     * branch's withdraw action. The task races with the other branches for the op-state: it
     * completes the perform only if its trySync (W->S) wins, and does nothing if the state is
     * already S. Whichever way the perform ends (another branch won, or it was cancelled), the
     * performer runs the withdraw action, which cancels the entry and removes it from the timer
     * queue (Guile issue #109; remotely cancelled entries are removed by the owning carrier).
     * The task runs on a carrier thread: it is short and never parks; trySync may spin only
     * while the performer holds CLAIMED, which a running thread holds for a few instructions.
     */

    private Timers() {
    }

    /**
     * {@return an operation that completes once {@code duration} has elapsed, counted from the moment it is
     * performed (each perform starts its own delay, so the object can be reused)} Guile's
     * {@code sleep-operation} counts from creation instead; use {@link #timerOperation} for a
     * fixed deadline. A zero or negative duration is ready at once.
     *
     * @param duration how long each perform waits
     */
    public static Operation<Void> sleepOperation(Duration duration) {
        long nanos = saturatedNanos(Objects.requireNonNull(duration));
        return new SleepOperation(nanos);
    }

    /**
     * {@return an operation that completes once {@link System#nanoTime()} has reached
     * {@code expiryNanos} (Guile's {@code timer-operation})}
     *
     * @param expiryNanos the deadline, on the {@link System#nanoTime()} scale
     */
    public static Operation<Void> timerOperation(long expiryNanos) {
        return new TimerOperation(expiryNanos);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** Deadline without overflow: a far-away deadline is clamped to ~146 years. */
    private static long deadlineAfter(long nanos) {
        long now = System.nanoTime();
        long d = now + nanos;
        return (nanos > 0 && d - now < 0) ? now + Long.MAX_VALUE / 2 : d;
    }

    /** Schedules {@code state}'s completion at {@code expiry}; returns the withdraw action. */
    private static Runnable arm(long expiry, OpState state, Resumer<? super Void> resume) {
        Expiry task = new Expiry(state, resume);
        TimerHandle handle = Scheduler.timerScheduler().scheduleAt(expiry, task);
        return handle::cancel;
    }

    /** The timer task: completes the perform unless another branch won already. */
    private static final class Expiry implements Runnable {
        private final OpState state;
        private final Resumer<? super Void> resume;

        Expiry(OpState state, Resumer<? super Void> resume) {
            this.state = state;
            this.resume = resume;
        }

        @Override
        public void run() {
            if (state.trySync()) {              // W->S: the timer won this perform
                resume.resume(null);
            }                                   // S: another branch won; nothing to do
        }
    }

    /** Ready once nanoTime() >= expiry. */
    private static final class TimerOperation extends BaseOperation<Void> {
        private final long expiry;

        TimerOperation(long expiry) {
            this.expiry = expiry;
        }

        @Override
        protected Object tryPerform() {
            return System.nanoTime() - expiry >= 0 ? null : NOT_READY;
        }

        @Override
        protected Runnable block(OpState state, Resumer<? super Void> resume) {
            return arm(expiry, state, resume);
        }

        @Override
        public String toString() {
            return "timerOperation(" + expiry + ")";
        }

        @Override
        public WaitDescription describeWait(long blockedSinceNanos) {
            return WaitDescription.timer("timer", expiry);
        }
    }

    /** Ready once {@code nanos} have elapsed since the perform blocked. */
    private static final class SleepOperation extends BaseOperation<Void> {
        private final long nanos;

        SleepOperation(long nanos) {
            this.nanos = nanos;
        }

        @Override
        protected Object tryPerform() {
            return nanos <= 0 ? null : NOT_READY;
        }

        @Override
        protected Runnable block(OpState state, Resumer<? super Void> resume) {
            return arm(deadlineAfter(nanos), state, resume);
        }

        @Override
        public String toString() {
            return "sleepOperation(" + nanos + "ns)";
        }

        @Override
        public WaitDescription describeWait(long blockedSinceNanos) {
            // the deadline was taken just before the park: since + nanos is within microseconds
            return blockedSinceNanos == 0 ? WaitDescription.of("timer", "sleep " + nanos + " ns")
                    : WaitDescription.timer("timer", blockedSinceNanos + nanos);
        }
    }
}
