package org.fibers.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.junit.jupiter.api.Test;

class WorkStealingTest {
    /** CPU work that the JIT cannot drop. */
    static long burn(int rounds) {
        long x = rounds;
        for (int i = 0; i < rounds; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }

    @Test
    void imbalancedLoadMovesToIdlePeers() {
        Map<Thread, Integer> perCarrier = new ConcurrentHashMap<>();
        AtomicLong sink = new AtomicLong();
        long stolen = Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            Scheduler main = Scheduler.current();
            List<Fiber<Void>> fibers = new ArrayList<>();
            // every fiber is spawned on the main scheduler (parallel = false): only stealing spreads them
            for (int i = 0; i < 4000; i++) {
                fibers.add(Fibers.spawn(() -> {
                    for (int k = 0; k < 5; k++) {
                        sink.addAndGet(burn(2000));
                        perCarrier.merge(Scheduler.current().kernelThread(), 1, Integer::sum);
                        Fibers.yieldNow();
                    }
                }, main, false));
            }
            for (Fiber<Void> f : fibers) {
                f.join();
            }
            long total = 0;
            for (Scheduler p : main.peers()) {
                total += p.stolenTasks();
            }
            return total;
        });
        assertTrue(stolen > 0, "some tasks were stolen");
        assertEquals(2, perCarrier.size(), "both carriers ran fibers: " + perCarrier);
        int total = perCarrier.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(4000 * 5, total);
        for (int n : perCarrier.values()) {
            assertTrue(n > total / 20, "each carrier ran a real share: " + perCarrier);
        }
    }

    @Test
    void parallelSpawnSharesWorkAmongPeers() {
        Map<Scheduler, Integer> perScheduler = new ConcurrentHashMap<>();
        Fibers.run(RunOptions.builder().parallelism(4).build(), () -> {
            Scheduler main = Scheduler.current();
            // rounds, because on a loaded machine one peer may not get a CPU within one round
            for (int round = 0; round < 50 && perScheduler.size() < 4; round++) {
                List<Fiber<?>> fibers = new ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    fibers.add(Fibers.spawn(() -> perScheduler.merge(Scheduler.current(), 1, Integer::sum), main, true));
                }
                for (Fiber<?> f : fibers) {
                    f.join();
                }
            }
            return null;
        });
        assertEquals(4, perScheduler.size(), "work reached every peer: " + perScheduler);
    }

    @Test
    void stolenFibersKeepRunningOnTheThief() {
        // A fiber that is stolen and then suspends must be resumed by its new owner.
        Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            Scheduler main = Scheduler.current();
            List<Fiber<Boolean>> fibers = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                fibers.add(Fibers.spawn(() -> {
                    burn(5000);
                    Scheduler before = Scheduler.current();
                    Fibers.sleep(java.time.Duration.ofMillis(1));
                    Fiber<?> me = Fiber.current();
                    return me.scheduler() == Scheduler.current() && before != null;
                }, main, false));
            }
            for (Fiber<Boolean> f : fibers) {
                assertTrue(f.join(), "a fiber runs on the scheduler that owns it");
            }
            return null;
        });
    }
}
