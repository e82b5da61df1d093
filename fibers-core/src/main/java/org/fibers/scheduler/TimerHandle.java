package org.fibers.scheduler;

/** A task scheduled with {@link Scheduler#scheduleAt}. Thread-safe. */
public interface TimerHandle {
    /**
     * Stops the task from running and removes its entry from the timer queue (at once when
     * called on the owning carrier, otherwise at the owner's next turn or sweep).
     *
     * @return true if this call prevented the task from running; false if it already ran or
     *         was already cancelled
     */
    boolean cancel();

    /** {@return the deadline, in {@link System#nanoTime()} units} */
    long deadlineNanos();

    /** {@return true until the task runs or is cancelled} */
    boolean isPending();
}
