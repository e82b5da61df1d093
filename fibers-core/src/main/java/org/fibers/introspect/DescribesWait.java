package org.fibers.introspect;

/**
 * The introspection SPI: an object a fiber can wait on says what that wait is. Base operations
 * (channels, timers, conditions, fibers-io's readiness operations) and the park blockers of
 * joins, scopes and sleeps implement it; {@link Introspection} asks the blocker of a parked
 * fiber's thread. Implementations must be cheap, must not block and may be called from any
 * thread while the fiber waits.
 */
public interface DescribesWait {
    /** {@return what waiting on this object means, for a dump} */
    WaitDescription describeWait();
}
