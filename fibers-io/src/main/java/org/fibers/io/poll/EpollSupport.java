package org.fibers.io.poll;

import io.netty.channel.epoll.Epoll;

/** Whether Netty's native epoll transport loaded here, and a clear error when it did not. */
public final class EpollSupport {
    private static final Throwable CAUSE = probe();

    private EpollSupport() {
    }

    private static Throwable probe() {
        try {
            return Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
        } catch (Throwable t) { // a missing or broken native jar shows up as a LinkageError
            return t;
        }
    }

    /** True if native epoll works in this JVM. */
    public static boolean isAvailable() {
        return CAUSE == null;
    }

    /**
     * Throws an {@link IllegalStateException} explaining that fibers-io cannot work here, or
     * returns if native epoll is available.
     */
    public static void ensureAvailable() {
        if (CAUSE != null) {
            throw unavailable();
        }
    }

    static IllegalStateException unavailable() {
        return new IllegalStateException("fibers-io needs Netty's native epoll transport, which could not load on "
                + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                + ": fibers-io supports Linux on x86_64 only, with io.netty:netty-transport-native-epoll"
                + ":linux-x86_64 on the class path and (JDK 22+) --enable-native-access=ALL-UNNAMED. Cause: "
                + CAUSE, CAUSE);
    }
}
