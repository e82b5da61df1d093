/**
 * Timer operations: {@link org.fibers.timers.Timers#sleepOperation} and
 * {@link org.fibers.timers.Timers#timerOperation}, Guile's {@code (fibers timers)}, driven by
 * the scheduler's own timer queue and withdrawn from it when another branch wins.
 */
package org.fibers.timers;
