package org.fibers.scheduler;

/**
 * A lazily started single scheduler for timers set outside any scheduler
 * ({@link Scheduler#timerScheduler()}), on a daemon thread.
 */
final class FallbackTimers {
    static final Scheduler SCHEDULER = start();

    private FallbackTimers() {
    }

    private static Scheduler start() {
        Scheduler s = Scheduler.create(1);
        Thread t = new Thread(s.lifecycle::runUntilStopped, "fibers-fallback-timers");
        t.setDaemon(true);
        s.lifecycle.expectCarrier(t);
        t.start();
        return s;
    }
}
