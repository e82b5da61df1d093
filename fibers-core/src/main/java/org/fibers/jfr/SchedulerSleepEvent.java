package org.fibers.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;

/**
 * A scheduler's carrier slept in its poller for lack of work, from going to sleep to waking;
 * recorded when the sleep lasted longer than the threshold (20 ms by default).
 */
@Name(SchedulerSleepEvent.NAME)
@Label("Scheduler Sleep")
@Category("Fibers")
@Description("A scheduler's carrier slept in its poller, and woke")
@Threshold("20 ms")
@StackTrace(false)
public final class SchedulerSleepEvent extends jdk.jfr.Event {
    /** The event's name in recordings and settings. */
    public static final String NAME = "org.fibers.SchedulerSleep";

    /** An empty event; {@link FiberEvents} fills in its fields, times and commits it. */
    public SchedulerSleepEvent() {
    }

    /** The scheduler. */
    @Label("Scheduler")
    public String scheduler;

    /** How long it meant to sleep at most (its next timer), or -1: until woken. */
    @Label("Timeout")
    @Timespan(Timespan.NANOSECONDS)
    public long timeout;

    /** True when another thread woke it (work arrived) rather than its timeout. */
    @Label("Woken")
    public boolean woken;
}
