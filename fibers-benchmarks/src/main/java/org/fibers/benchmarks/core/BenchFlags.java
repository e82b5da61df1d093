package org.fibers.benchmarks.core;

/**
 * JVM flags of every forked benchmark JVM, as compile-time constants for {@code @Fork}.
 * Passing {@code -jvmArgsAppend} on the JMH command line replaces these: don't.
 */
final class BenchFlags {
    /** LoomSupport binds virtual threads to our executors through java.lang internals. */
    static final String OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    /** fibers-io's native epoll transport may be on the class path (JDK 22+ warns without it). */
    static final String NATIVE = "--enable-native-access=ALL-UNNAMED";
    /** HandOff: one fixed heap for every variant. */
    static final String XMS = "-Xms2g";
    static final String XMX = "-Xmx2g";
    /** SpawnJoin: a young generation that holds one invocation (1M threads, ~0.5 GB) without a GC. */
    static final String XMS_BIG = "-Xms3g";
    static final String XMX_BIG = "-Xmx3g";
    static final String XMN_BIG = "-Xmn2g";
    /** The JDK's default virtual-thread scheduler, pinned to the sizes we compare. */
    static final String VT_P1 = "-Djdk.virtualThreadScheduler.parallelism=1";
    static final String VT_P2 = "-Djdk.virtualThreadScheduler.parallelism=2";

    private BenchFlags() {
    }
}
