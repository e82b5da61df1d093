package org.fibers.scheduler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.junit.jupiter.api.Test;

/**
 * A scheduler remembers the fibers it started (so that the end of {@code Fibers.run} can
 * cancel the live ones), but must not keep ended fibers, their virtual threads and their
 * results reachable once it rests: a burst of a million fibers would otherwise stay in the
 * heap of a long-lived scheduler for good.
 */
class FiberRetentionTest {
    private static final int FIBERS = 20_000;

    @Test
    void aUserMadeSchedulerKeepsNoEndedFiberAfterARun() {
        Scheduler scheduler = Scheduler.create(2); // the caller's: Fibers.run does not close it
        try {
            AtomicInteger ran = new AtomicInteger();
            List<WeakReference<Fiber<?>>> sample = Fibers.run(RunOptions.builder().scheduler(scheduler).build(),
                    () -> spawnJoinAndSample(() -> Fibers.spawn(ran::incrementAndGet), ran));
            assertEquals(FIBERS, ran.get());
            awaitCollected(sample);
        } finally {
            scheduler.close();
        }
    }

    @Test
    void aBackgroundSchedulerLetsEndedFibersGoWhenIdle() {
        Scheduler scheduler = Scheduler.create(2).start();
        try {
            AtomicInteger ran = new AtomicInteger();
            // Spawned from this plain thread: the group's registry for foreign spawns holds them.
            List<WeakReference<Fiber<?>>> sample =
                    spawnJoinAndSample(() -> Fibers.spawn(ran::incrementAndGet, scheduler, true), ran);
            assertEquals(FIBERS, ran.get());
            awaitCollected(sample);
        } finally {
            scheduler.close();
        }
    }

    /** Spawns and joins FIBERS fibers; returns weak references to every hundredth. */
    private static List<WeakReference<Fiber<?>>> spawnJoinAndSample(java.util.function.Supplier<Fiber<?>> spawn,
            AtomicInteger ran) {
        List<Fiber<?>> fibers = new ArrayList<>(FIBERS);
        for (int i = 0; i < FIBERS; i++) {
            fibers.add(spawn.get());
        }
        List<WeakReference<Fiber<?>>> sample = new ArrayList<>();
        for (int i = 0; i < FIBERS; i++) {
            fibers.get(i).join();
            if (i % 100 == 0) {
                sample.add(new WeakReference<>(fibers.get(i)));
            }
        }
        return sample;
    }

    private static void awaitCollected(List<WeakReference<Fiber<?>>> sample) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            System.gc();
            long alive = sample.stream().filter(r -> r.get() != null).count();
            assertEquals(0, alive, "ended fibers still reachable, of " + sample.size() + " sampled");
        });
    }
}
