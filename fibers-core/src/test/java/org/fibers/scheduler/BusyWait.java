package org.fibers.scheduler;

import java.time.Duration;

/** Keeps a carrier busy in a test without a system call or a park, so it never yields. */
final class BusyWait {
    private BusyWait() {
    }

    /** Spins for about {@code d}. */
    static void busyFor(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }
}
