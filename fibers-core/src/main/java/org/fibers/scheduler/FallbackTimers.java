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
        Thread t = new Thread(s::runUntilStopped, "fibers-fallback-timers");
        t.setDaemon(true);
        s.expectCarrier(t);
        t.start();
        return s;
    }
}
