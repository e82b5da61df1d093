/**
 * Port readiness on Linux epoll, through Netty's public {@code IoHandler} API: the per-scheduler
 * {@link org.fibers.io.poll.EpollPoller} (installed into every scheduler by
 * {@link org.fibers.io.poll.EpollPollerProvider} through {@link java.util.ServiceLoader}) and the
 * per-fd waiter record {@link org.fibers.io.poll.PolledFd}.
 *
 * <p>Not API: it may change in any release. This package is the machinery under
 * {@code org.fibers.io}; users do not need it. It is
 * public only because the sockets and operations in {@code org.fibers.io} are built on it, and
 * left out of the published javadoc and of its doclint check ({@code fibers.javadoc.internal}
 * in fibers-io's pom).
 *
 * <h2>Vocabulary</h2>
 * <ul>
 *   <li><b>home carrier</b>: the carrier thread of the scheduler whose poller an fd is registered
 *       with. Only it calls Netty's {@code register}/{@code submit} and handles the fd's events.</li>
 *   <li><b>readiness sequence</b>: a counter per fd and direction, bumped by the home carrier for
 *       every readiness event. A waiter that saw value {@code s} before an I/O attempt that would
 *       block waits until the counter differs from {@code s}: no edge can be lost.</li>
 *   <li><b>poke</b>: an {@code epoll_ctl(MOD)} with the fd's current interest, which makes the
 *       kernel report the fd at once if it is ready now; level-style waits (readable and writable
 *       operations) use it.</li>
 * </ul>
 */
package org.fibers.io.poll;
