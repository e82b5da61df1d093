package org.fibers.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.junit.jupiter.api.Test;

class ManyFibersTest {
    @Test
    void hundredThousandFibersSleepAtOnceAndAllWake() {
        int n = 100_000;
        AtomicInteger asleep = new AtomicInteger();
        AtomicInteger woke = new AtomicInteger();
        int maxTimers = Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            Scheduler main = Scheduler.current();
            List<Fiber<Void>> fibers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                fibers.add(Fibers.spawn(() -> {
                    asleep.incrementAndGet();
                    Fibers.sleep(Duration.ofSeconds(3)); // long enough that none wakes before all sleep
                    woke.incrementAndGet();
                }, main, true));
            }
            int peak = 0;
            while (asleep.get() < n) {
                Fibers.sleep(Duration.ofMillis(5));
            }
            for (Scheduler p : main.peers()) {
                peak += p.pendingTimers();
            }
            for (Fiber<Void> f : fibers) {
                f.join();
            }
            return peak;
        });
        assertEquals(n, woke.get());
        assertTrue(maxTimers >= n - 1000, "the sleepers were all in timer queues at once: " + maxTimers);
    }

    @Test
    void sleepersWakeInDeadlineOrder() {
        List<Integer> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        Fibers.run(RunOptions.builder().parallelism(1).drain(true).build(), () -> {
            for (int i = 9; i >= 0; i--) {
                int n = i;
                Fibers.spawn(() -> {
                    Fibers.sleep(Duration.ofMillis(20 + 15L * n));
                    order.add(n);
                });
            }
            return null;
        });
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), order);
    }
}
