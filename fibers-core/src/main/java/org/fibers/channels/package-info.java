/**
 * Channels: Guile's unbuffered rendezvous {@link org.fibers.channels.Channel} on the lock-free
 * Parallel CML protocol of {@link org.fibers.operations}, and {@link
 * org.fibers.channels.BufferedChannel} with a fixed capacity. Both can be closed (senders then
 * get {@link org.fibers.channels.ChannelClosedException}, receivers drain and see the end),
 * iterated until closed, and tried without waiting; their puts and gets are operations that
 * compose in {@link org.fibers.operations.Operation#choice choice}. Safe between fibers on any
 * schedulers and plain platform threads.
 */
package org.fibers.channels;
