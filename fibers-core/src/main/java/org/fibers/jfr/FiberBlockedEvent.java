package org.fibers.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Threshold;

/**
 * A fiber blocked in {@code Operation.perform()} (a channel put or get, a choice, a timer, a
 * condition, an fd wait) for longer than the threshold (20 ms by default, as the JDK's
 * {@code jdk.VirtualThreadPinned}); the event's duration is the wait, its stack the perform's.
 */
@Name(FiberBlockedEvent.NAME)
@Label("Fiber Blocked")
@Category("Fibers")
@Description("A fiber's perform blocked longer than the threshold")
@Threshold("20 ms")
public final class FiberBlockedEvent extends jdk.jfr.Event {
    /** The event's name in recordings and settings. */
    public static final String NAME = "org.fibers.FiberBlocked";

    /** An empty event; {@link FiberEvents} fills in its fields, times and commits it. */
    public FiberBlockedEvent() {
    }

    /** The fiber's name. */
    @Label("Fiber")
    public String fiber;

    /** The scheduler that owned it when it woke. */
    @Label("Scheduler")
    public String scheduler;

    /** The kind of wait: {@code channel-get}, {@code choice}, {@code timer}... (see WaitDescription). */
    @Label("Wait Kind")
    public String waitKind;

    /** What it waited for, as the console shows it: {@code choice(channel-get channel@1b6d3586 | timer)}. */
    @Label("Waited For")
    public String waitedFor;
}
