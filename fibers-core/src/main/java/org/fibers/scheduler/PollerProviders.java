package org.fibers.scheduler;

import java.util.ServiceLoader;
import org.fibers.scheduler.spi.Poller;
import org.fibers.scheduler.spi.PollerProvider;

/** Finds the poller provider once: the available one of highest priority, or the parking default. */
final class PollerProviders {
    private static final PollerProvider CHOSEN = choose();

    private PollerProviders() {
    }

    static Poller create(Scheduler scheduler) {
        return CHOSEN == null ? new ParkingPoller(scheduler) : CHOSEN.create(scheduler);
    }

    private static PollerProvider choose() {
        if ("park".equals(System.getProperty("fibers.poller"))) {
            return null;
        }
        PollerProvider best = null;
        for (PollerProvider p : ServiceLoader.load(PollerProvider.class, Scheduler.class.getClassLoader())) {
            if (p.priority() > 0 && p.isAvailable() && (best == null || p.priority() > best.priority())) {
                best = p;
            }
        }
        return best;
    }
}
