package org.fibers.introspect;

/**
 * One scheduler's counters, {@code org.fibers:type=Scheduler,name=sched-G.I}; racy reads.
 */
public interface SchedulerMXBean {
    /** {@return the scheduler's name} */
    String getName();

    /** {@return whether its loop runs now} */
    boolean isRunning();

    /** {@return the turns this scheduler's carrier has taken (Guile's runcount)} */
    long getRuncount();

    /** {@return tasks in its run queue} */
    int getRunQueueLength();

    /** {@return the tasks submitted from other threads, not yet in the run queue (racy)} */
    int getInboxLength();

    /** {@return tasks stolen from peers} */
    long getSteals();

    /** {@return the times its carrier went to sleep in its poller} */
    long getSleeps();


    /** {@return timers pending} */
    int getPendingTimers();

    /** {@return fds its poller watches} */
    int getFdsWatched();

    /** {@return live fibers of its group} */
    long getLiveFibers();
}
