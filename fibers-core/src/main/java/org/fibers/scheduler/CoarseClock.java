package org.fibers.scheduler;

/**
 * A coarse {@link System#nanoTime()}, advanced by the preemption tickers (about every 10 ms
 * at the default {@code hz}): what a fiber records as its birth time, so that spawning reads
 * one field instead of the clock. Zero until a ticker has run (no group with {@code hz > 0}
 * yet): ages are then unknown. Low-level; for introspection.
 */
public final class CoarseClock {
    /** The last tick's nanoTime; written by tickers, read racily (a plain load on x86). */
    private static volatile long now;

    private CoarseClock() {
    }

    /** {@return the nanoTime of the last tick, or 0 if no ticker has run yet} */
    public static long now() {
        return now;
    }

    static void tick() {
        now = System.nanoTime();
    }
}
