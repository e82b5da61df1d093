package org.fibers.scheduler;

import java.util.Arrays;

/**
 * The schedulers whose loops are running, found by their carrier thread: how
 * {@link Scheduler#current()} knows which scheduler runs the caller.
 *
 * <pre>
 * Implementation notes
 *
 * Copy-on-write array, written under a lock, read without one. Few schedulers run at once,
 * so a linear search by carrier identity is cheaper than a hash lookup; it happens on every
 * spawn and every wake from a carrier.
 * </pre>
 */
final class RunningSchedulers {
    private static volatile Scheduler[] running = new Scheduler[0];
    private static final Object LOCK = new Object();

    private RunningSchedulers() {
    }

    /** The scheduler whose carrier is {@code carrier}, or null. */
    static Scheduler onCarrier(Thread carrier) {
        for (Scheduler s : running) {
            if (s.carrier == carrier) {
                return s;
            }
        }
        return null;
    }

    /**
     * Makes {@code me} the carrier of {@code s} and publishes {@code s}.
     *
     * @throws IllegalStateException if {@code me} already runs a scheduler, or {@code s} runs
     */
    static void add(Scheduler s, Thread me) {
        synchronized (LOCK) {
            Scheduler other = onCarrier(me);
            if (other != null) {
                throw new IllegalStateException(me + " already runs " + other);
            }
            if (!s.claimCarrier(me)) {
                throw new IllegalStateException(s + " already runs on " + s.carrier);
            }
            Scheduler[] next = Arrays.copyOf(running, running.length + 1);
            next[next.length - 1] = s;
            running = next;
        }
    }

    /** Unpublishes {@code s}; its carrier is still set. */
    static void remove(Scheduler s) {
        synchronized (LOCK) {
            running = Arrays.stream(running).filter(r -> r != s).toArray(Scheduler[]::new);
        }
    }
}
