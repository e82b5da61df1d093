package org.fibers.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A fiber's body ended (off by default: one per fiber). */
@Name(FiberEndedEvent.NAME)
@Label("Fiber Ended")
@Category("Fibers")
@Description("A fiber's body returned, threw, or was cancelled")
@Enabled(false)
@StackTrace(false)
public final class FiberEndedEvent extends jdk.jfr.Event {
    /** The event's name in recordings and settings. */
    public static final String NAME = "org.fibers.FiberEnded";

    /** An empty event; {@link FiberEvents} fills in its fields, times and commits it. */
    public FiberEndedEvent() {
    }

    /** The fiber's name. */
    @Label("Fiber")
    public String fiber;

    /** The id of the fiber's virtual thread. */
    @Label("Fiber Id")
    public long fiberId;

    /** The scheduler it ended on. */
    @Label("Scheduler")
    public String scheduler;

    /** {@code returned}, {@code failed} or {@code cancelled}. */
    @Label("Outcome")
    public String outcome;

    /** The class of the exception that ended it, or null. */
    @Label("Failure")
    public String failure;
}
