package org.fibers.introspect;

/**
 * A snapshot of one scheduler's counters, as {@link Introspection} saw them (racy reads).
 *
 * @param name          its stable name, {@code sched-G.I}
 * @param running       whether its loop runs on a carrier thread now
 * @param carrier       the carrier thread's name, or empty
 * @param runcount      turns taken
 * @param runQueue      tasks in its run queue
 * @param inbox         tasks submitted from other threads, not yet in its run queue
 * @param steals        tasks it stole from peers
 * @param sleeps        times its carrier went to sleep
 * @param pendingTimers timers in its queue
 * @param fdsWatched    file descriptors its poller watches (fibers-io), 0 without
 * @param liveFibers    fibers of its group started and not ended
 */
public record SchedulerInfo(String name, boolean running, String carrier, long runcount, int runQueue, int inbox,
                            long steals, long sleeps, int pendingTimers, int fdsWatched, long liveFibers) {
}
