/**
 * The ping comparison of issue 5: Guile's ping client ({@code PingClient 1000 1000}) against
 * three line echo servers, each in its own JVM so that the operating system can tell how much
 * CPU each server spent: our fibers {@code PingServer} (fibers-examples), the same server on
 * JDK sockets and default virtual threads ({@link org.fibers.benchmarks.io.JdkPingServer}), and
 * a Netty epoll echo server ({@link org.fibers.benchmarks.io.NettyPingServer}).
 * {@link org.fibers.benchmarks.io.PingComparison} runs them all and prints a table.
 * {@link org.fibers.benchmarks.io.MemcachedComparison} does the same for issue 24's memcached
 * example (both its store designs) against the C memcached, under Guile's client and memcaslap.
 */
package org.fibers.benchmarks.io;
