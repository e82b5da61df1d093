/**
 * Fiber-friendly I/O on Linux epoll (Guile's suspendable ports and {@code (fibers io-wakeup)}):
 * {@link org.fibers.io.FiberSocket} and {@link org.fibers.io.FiberServerSocket} whose reads,
 * writes, connects and accepts suspend the calling fiber instead of blocking its carrier;
 * {@link org.fibers.io.FdPort} for pipes and other descriptors; and the readiness operations
 * and readiness-scheduled tasks of {@link org.fibers.io.Ports}, which compose with
 * {@link org.fibers.operations.Operation#choice}.
 *
 * <p>Having fibers-io on the class path gives every scheduler an epoll poller (see
 * {@code org.fibers.io.poll}): a carrier with nothing to run sleeps in epoll_wait until an fd
 * is ready, its next timer is due, or it is woken. The same calls work on plain threads, which
 * they block. The blocking work the manual warns about (name resolution, file I/O) runs on
 * thread pools, see {@code org.fibers.io.blocking}.
 *
 * <p>Requires Linux on x86_64 with {@code io.netty:netty-transport-native-epoll:linux-x86_64};
 * elsewhere every entry point fails with an {@link java.lang.IllegalStateException} saying so.
 */
package org.fibers.io;
