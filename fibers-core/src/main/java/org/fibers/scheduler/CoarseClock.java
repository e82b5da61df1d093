package org.fibers.scheduler;

/**
 * A coarse {@link System#nanoTime()}, advanced by the preemption tickers (about every 10 ms
 * at the default {@code hz}): what a fiber records as its birth time, and a blocking perform as
 * the start of its wait, so that spawning and parking read one field instead of the clock
 * (20 ns a read on a virtual machine's TSC clock). Zero while no ticker runs (no group with
 * {@code hz > 0} is open): callers then read the clock or leave the time unknown, never a
 * stale tick. Low-level; for introspection.
 */
public final class CoarseClock {
    /**
     * The last tick's nanoTime; written by tickers, read racily (a plain load on x86).
     * <pre>
     *   0 --a ticker's tick--&gt; t1 --tick--&gt; t2 ... --the last running ticker stops--&gt; 0
     * </pre>
     */
    private static volatile long now;
    /** Tickers between {@link #tickerStarted()} and {@link #tickerStopped()}; under the class lock. */
    private static int tickers;

    private CoarseClock() {
    }

    /** {@return the nanoTime of the last tick, or 0 if no ticker has run yet} */
    public static long now() {
        return now;
    }

    static void tick() {
        now = System.nanoTime();
    }

    /** A ticker's thread is about to tick; call before its first {@link #tick()}. */
    static synchronized void tickerStarted() {
        tickers++;
    }

    /**
     * A ticker's thread has ticked for the last time; once none is left, {@link #now()} is 0
     * again, so that nobody takes an old tick for the present.
     */
    static synchronized void tickerStopped() {
        if (--tickers == 0) {
            now = 0;
        }
    }
}
