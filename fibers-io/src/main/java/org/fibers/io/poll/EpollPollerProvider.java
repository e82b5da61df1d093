package org.fibers.io.poll;

import org.fibers.scheduler.Scheduler;
import org.fibers.scheduler.spi.Poller;
import org.fibers.scheduler.spi.PollerProvider;

/**
 * Installs an {@link EpollPoller} in every scheduler. Registered in
 * {@code META-INF/services/org.fibers.scheduler.spi.PollerProvider}, so putting fibers-io on the
 * class path is enough. Where native epoll cannot load it reports itself unavailable and
 * schedulers keep the parking poller; fibers-io's sockets then fail with a message saying why
 * (see {@link EpollSupport}).
 */
public final class EpollPollerProvider implements PollerProvider {
    /** Public no-argument constructor, for {@link java.util.ServiceLoader}. */
    public EpollPollerProvider() {
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public boolean isAvailable() {
        return EpollSupport.isAvailable();
    }

    @Override
    public Poller create(Scheduler scheduler) {
        return new EpollPoller(scheduler);
    }
}
