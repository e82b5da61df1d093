package org.fibers.scheduler;

/**
 * Where a running fiber yields without blocking, behind {@link Scheduler#preemptionPoint()}
 * and {@link Scheduler#spawnPoint()}: at a fiber operation once the preemption ticker has
 * marked it, and at a spawn that leaves its carrier a long backlog while preemption is on.
 *
 * <pre>
 * Implementation notes
 *
 * Preemption marks. Scheduler.preemptionPoint() itself keeps the hot-path check, one read of
 * Sysmon.PENDING, so that it stays small enough to inline into every fiber operation; only
 * when some mark is outstanding does a fiber come here to consume its own (see Sysmon).
 *
 * Spawn backlog. With preemption on, a spawn that leaves SPAWN_YIELD_BACKLOG tasks queued
 * yields the spawner (spawnPoint): it goes behind its children, which run this turn, so a
 * spawning loop keeps a bounded set of unstarted fibers alive (Cilk's work-first rule bounds
 * space the same way, by running the child first). Young collections then find a few hundred
 * live threads instead of up to a million.
 * </pre>
 */
final class PreemptionPoints {
    private PreemptionPoints() {
    }

    /** A preemption point with some mark outstanding: yields if the calling fiber's task has one. */
    static void preemptIfMarked() {
        if (!Thread.currentThread().isVirtual()) {
            return;
        }
        Task t = Scheduler.currentTask();
        if (t != null && t.takePreemption()) {
            Thread.yield();
        }
    }

    /** The body of a spawn point, for a fiber running on {@code here}'s carrier. */
    static void yieldOnSpawnBacklog(Scheduler here) {
        if (here.load() >= Scheduler.SPAWN_YIELD_BACKLOG && here.group.preemptive) {
            Thread.yield();
        }
    }
}
