package org.fibers.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** An idle scheduler stole tasks from a peer's run queue (off by default: frequent under load). */
@Name(FiberStealEvent.NAME)
@Label("Fiber Steal")
@Category("Fibers")
@Description("An idle scheduler took half of a peer's run queue")
@Enabled(false)
@StackTrace(false)
public final class FiberStealEvent extends jdk.jfr.Event {
    /** The event's name in recordings and settings. */
    public static final String NAME = "org.fibers.FiberSteal";

    /** An empty event; {@link FiberEvents} fills in its fields, times and commits it. */
    public FiberStealEvent() {
    }

    /** The scheduler that stole. */
    @Label("Thief")
    public String thief;

    /** The scheduler it stole from. */
    @Label("Victim")
    public String victim;

    /** How many tasks it took. */
    @Label("Tasks")
    public int tasks;
}
