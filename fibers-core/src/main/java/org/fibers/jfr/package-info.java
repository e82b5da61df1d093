/**
 * JFR events of fibers-core, in the category "Fibers": {@link org.fibers.jfr.FiberSpawnedEvent},
 * {@link org.fibers.jfr.FiberEndedEvent}, {@link org.fibers.jfr.FiberBlockedEvent} (a perform
 * that blocked longer than its threshold, with what it waited for),
 * {@link org.fibers.jfr.FiberStealEvent} and {@link org.fibers.jfr.SchedulerSleepEvent}. They are
 * enabled and given thresholds by JFR settings like the JDK's own ({@code jfr configure},
 * {@code -XX:StartFlightRecording:settings=...}, {@code Recording.enable(name)}); the spawn, end
 * and steal events are off by default because they are frequent.
 *
 * <p>Cost: each hook allocates an event object and asks {@code isEnabled()}; with JFR not
 * recording (or the event disabled) that is a field read, and the allocation is removed by
 * escape analysis, so the hot paths do no more than before. Names and wait descriptions are
 * computed only for events that will be committed.
 */
package org.fibers.jfr;
