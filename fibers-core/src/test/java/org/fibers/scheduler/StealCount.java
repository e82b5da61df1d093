package org.fibers.scheduler;

/** Steals seen across a scheduler group, for tests that need to know whether any happened. */
final class StealCount {
    private StealCount() {
    }

    /** Tasks stolen so far by {@code s} and its peers together. */
    static long inGroupOf(Scheduler s) {
        long n = 0;
        for (Scheduler p : s.peers()) {
            n += p.stolenTasks();
        }
        return n;
    }
}
