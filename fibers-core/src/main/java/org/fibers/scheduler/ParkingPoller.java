package org.fibers.scheduler;

import java.util.concurrent.locks.LockSupport;
import org.fibers.scheduler.spi.Poller;

/**
 * The default idle step: no fds, the carrier parks until its next timer or a wakeup.
 * LockSupport's permit makes a wakeup that comes before the park return it at once.
 */
final class ParkingPoller implements Poller {
    private final Scheduler scheduler;

    ParkingPoller(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public void pollNow() {
        // no event sources
    }

    @Override
    public void pollBlocking(long deadlineNanos) {
        if (deadlineNanos == Long.MAX_VALUE) {
            LockSupport.park(this);
        } else {
            long delay = deadlineNanos - System.nanoTime();
            if (delay > 0) {
                LockSupport.parkNanos(this, delay);
            }
        }
    }

    @Override
    public void wakeup() {
        Thread carrier = scheduler.carrier;
        if (carrier != null) {
            LockSupport.unpark(carrier);
        }
    }

    @Override
    public void close() {
        // nothing held
    }
}
