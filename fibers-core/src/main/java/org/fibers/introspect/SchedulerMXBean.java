package org.fibers.introspect;

/**
 * One scheduler's counters, {@code org.fibers:type=Scheduler,name=sched-G.I}; racy reads.
 */
public interface SchedulerMXBean {
    /** {@return the scheduler's name} */
    String getName();

    /** {@return whether its loop runs now} */
    boolean isRunning();

    /** Turns taken. */
    long getRuncount();

    /** {@return tasks in its run queue} */
    int getRunQueueLength();

    /** Tasks submitted from other threads, not yet in the run queue (racy). */
    int getInboxLength();

    /** {@return tasks stolen from peers} */
    long getSteals();

    /** Times its carrier went to sleep. */
    long getSleeps();

    /** {@return timers pending} */
    int getPendingTimers();

    /** {@return fds its poller watches} */
    int getFdsWatched();

    /** {@return live fibers of its group} */
    long getLiveFibers();
}
