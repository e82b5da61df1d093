package org.fibers.introspect;

/**
 * One scheduler's counters, {@code org.fibers:type=Scheduler,name=sched-G.I}; racy reads.
 */
public interface SchedulerMXBean {
    /** The scheduler's name. */
    String getName();

    /** Whether its loop runs now. */
    boolean isRunning();

    /** Turns taken. */
    long getRuncount();

    /** Tasks in its run queue. */
    int getRunQueueLength();

    /** Tasks submitted from other threads, not yet in the run queue (racy). */
    int getInboxLength();

    /** Tasks stolen from peers. */
    long getSteals();

    /** Times its carrier went to sleep. */
    long getSleeps();

    /** Timers pending. */
    int getPendingTimers();

    /** Fds its poller watches. */
    int getFdsWatched();

    /** Live fibers of its group. */
    long getLiveFibers();
}
