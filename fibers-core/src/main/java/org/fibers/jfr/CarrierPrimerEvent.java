package org.fibers.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Internal, no data: committed on a carrier thread just before a {@link FiberStealEvent} or
 * {@link SchedulerSleepEvent}. On JDK 25 the first event a platform thread commits after a
 * virtual thread mounted on it (by a custom scheduler) committed one is lost; this event is the
 * one lost, so the real one is kept. Leave it enabled (it is by default) when recording those.
 */
@Name(CarrierPrimerEvent.NAME)
@Label("Carrier Primer (internal)")
@Category({"Fibers", "Internal"})
@Description("Absorbs the event JFR loses on a carrier after a virtual thread's event; no data")
@StackTrace(false)
final class CarrierPrimerEvent extends jdk.jfr.Event {
    /** The event's name in recordings and settings. */
    static final String NAME = "org.fibers.CarrierPrimer";
}
