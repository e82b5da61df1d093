package org.fibers.scheduler.spi;

/**
 * What a scheduler does when it looks for outside events: its idle step. The default parks
 * the carrier thread; fibers-io installs an epoll poller so that a carrier with nothing to
 * run sleeps in epoll until an fd is ready, its next timer is due, or it is woken.
 *
 * <p>Threading: {@link #pollNow} and {@link #pollBlocking} are called only by the scheduler's
 * carrier thread; {@link #wakeup} by any thread; {@link #close} by the carrier, or by the
 * closing thread after the carrier stopped.
 */
public interface Poller extends AutoCloseable {
    /**
     * Handles events that are ready now, without blocking. Called once per busy turn, so an
     * implementation should return at once when nothing is registered and may rate-limit itself.
     */
    void pollNow();

    /**
     * Blocks until an event is handled, {@code deadlineNanos} ({@link System#nanoTime()} base;
     * {@link Long#MAX_VALUE} for none) passes, or {@link #wakeup()} is called. A wakeup that
     * comes before this call makes it return promptly: wakeups are never lost. Spurious
     * returns are allowed.
     *
     * @param deadlineNanos when to return at the latest
     */
    void pollBlocking(long deadlineNanos);

    /**
     * {@return true while this poller watches event sources (fds)} An idle scheduler then goes straight
     * to {@link #pollBlocking} instead of first spinning for work from its peers: the events
     * it waits for would not be seen by the spin, which would only burn CPU. Carrier only.
     */
    default boolean hasRegistrations() {
        return false;
    }

    /**
     * {@return how many fds this poller watches now, for introspection; any thread, a racy read is
     * fine} The default poller watches none.
     */
    default int watchedFds() {
        return 0;
    }

    /** Makes a current or the next {@link #pollBlocking} return promptly. Any thread. */
    void wakeup();

    /** Releases the poller's resources; it is not used afterwards. */
    @Override
    void close();
}
