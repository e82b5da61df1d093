package org.fibers.scheduler.spi;

import org.fibers.scheduler.Scheduler;

/**
 * Makes a {@link Poller} for each new scheduler. Found with {@link java.util.ServiceLoader};
 * the provider with the highest {@link #priority()} that is {@linkplain #isAvailable()
 * available} wins. The system property {@code fibers.poller=park} forces the default parking
 * poller.
 */
public interface PollerProvider {
    /** {@return higher wins} The built-in parking poller has priority 0. */
    int priority();

    /** {@return false when this provider cannot work here (say, no native library for this platform)} */
    boolean isAvailable();

    /**
     * {@return a poller for {@code scheduler}; called once, before the scheduler runs}
     *
     * @param scheduler the scheduler whose carrier will call the poller
     */
    Poller create(Scheduler scheduler);
}
