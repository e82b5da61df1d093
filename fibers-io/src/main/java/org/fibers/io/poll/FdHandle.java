package org.fibers.io.poll;

import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.unix.FileDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty's view of one registration of a {@link PolledFd} (made and served by its
 * {@link FdRegistration}) with one {@link EpollPoller}. Netty calls it on the poller's carrier
 * only. A new handle is made for every registration, so an event for a registration that was
 * closed or replaced is recognised as stale.
 */
final class FdHandle implements EpollIoHandle {
    private static final Logger LOG = LoggerFactory.getLogger(FdHandle.class);

    final FdRegistration owner;
    final EpollPoller poller;
    /** Set right after register() returns, before the handle is published under the fd's lock. */
    IoRegistration registration;

    FdHandle(FdRegistration owner, EpollPoller poller) {
        this.owner = owner;
        this.poller = poller;
    }

    @Override
    public FileDescriptor fd() {
        return owner.fd();
    }

    /** An epoll event. Never throws: Netty would log it and stall its loop for a second. */
    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        try {
            owner.onEvent(this, ((EpollIoEvent) event).ops().value());
        } catch (RuntimeException | Error e) {
            LOG.error("failed to dispatch an epoll event for {}", owner, e);
        }
    }

    /** Netty calls this when the poller is destroyed with the fd still registered. */
    @Override
    public void close() {
        owner.pollerGone(poller);
    }
}
