package org.fibers.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A fiber was started (off by default: one per spawn). */
@Name(FiberSpawnedEvent.NAME)
@Label("Fiber Spawned")
@Category("Fibers")
@Description("A fiber was started on a scheduler")
@Enabled(false)
@StackTrace(false)
public final class FiberSpawnedEvent extends jdk.jfr.Event {
    /** The event's name in recordings and settings. */
    public static final String NAME = "org.fibers.FiberSpawned";

    /** An empty event; {@link FiberEvents} fills in its fields, times and commits it. */
    public FiberSpawnedEvent() {
    }

    /** The fiber's name, {@code fiber-ID} unless set. */
    @Label("Fiber")
    public String fiber;

    /** The id of the fiber's virtual thread. */
    @Label("Fiber Id")
    public long fiberId;

    /** The scheduler it was started on. */
    @Label("Scheduler")
    public String scheduler;
}
