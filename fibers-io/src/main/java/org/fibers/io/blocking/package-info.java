/**
 * The manual's "Blocking" pitfalls, solved with thread pools: work that would block a carrier
 * thread (name resolution in getaddrinfo, file reads and writes, which epoll cannot make
 * nonblocking) runs on a pool of platform threads while the calling fiber is suspended.
 *
 * <ul>
 *   <li>{@link org.fibers.io.blocking.BlockingPool}: any blocking call, as a call or as an
 *       operation that composes with choice (for example with a timeout).</li>
 *   <li>{@link org.fibers.io.blocking.Resolver}: a thread-pooled address resolver.</li>
 *   <li>{@link org.fibers.io.blocking.FiberFiles}: {@link java.nio.file.Files}-style reads and
 *       writes on the file pool.</li>
 * </ul>
 *
 * Called from a plain platform thread, these simply run the work on the calling thread, which
 * may block: that is the manual's rule for operations outside fibers.
 */
package org.fibers.io.blocking;
