package org.fibers.conditions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.operations.Operation;
import org.fibers.timers.Timers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ConditionTest {
    private static final RunOptions TWO = RunOptions.builder().parallelism(2).build();

    /** Guile tests/conditions.scm: wait with a 50 ms timeout. */
    static boolean waitWithTimeout(Condition cv) {
        return Operation.choice(cv.waitOperation().wrap(v -> true),
                Timers.sleepOperation(Duration.ofMillis(50)).wrap(v -> false)).perform();
    }

    @Test
    void waitTimesOutUntilSignalledThenSucceedsForGood() {
        Condition cv = new Condition();
        assertFalse(Fibers.run(TWO, () -> waitWithTimeout(cv)));
        assertFalse(Fibers.run(TWO, () -> waitWithTimeout(cv)));
        assertTrue(cv.signal());
        assertFalse(cv.signal(), "signal is idempotent");
        assertTrue(Fibers.run(TWO, () -> waitWithTimeout(cv)));
        assertTrue(Fibers.run(TWO, () -> waitWithTimeout(cv)));
        assertTrue(waitWithTimeout(cv), "from a plain thread too");
    }

    @Test
    void aFiberSignalsAnother() {
        assertTrue(Fibers.run(TWO, () -> {
            Condition cv = new Condition();
            Fibers.spawn(cv::signal);
            cv.await();
            return cv.isSignalled();
        }));
    }

    @Test
    void signalWakesEveryWaiterFibersAndThreads() throws Exception {
        Condition cv = new Condition();
        AtomicInteger woken = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                cv.await();
                woken.incrementAndGet();
            }));
        }
        int fibersWoken = Fibers.run(TWO, () -> {
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                fibers.add(Fibers.spawn(() -> {
                    cv.await();
                    woken.incrementAndGet();
                }));
            }
            Fibers.sleep(Duration.ofMillis(20));
            assertEquals(0, woken.get());
            assertTrue(cv.signal());
            for (Fiber<Void> f : fibers) {
                f.join();
            }
            return fibers.size();
        });
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(fibersWoken + 3, woken.get());
    }

    /** Guile issue #61: a waiter abandoned with its scheduler must not break a later signal. */
    @Test
    void signallingAfterTheWaitersSchedulerIsGoneIsFine() {
        Condition cv = new Condition();
        Fibers.run(RunOptions.builder().parallelism(1).drain(false).build(), () -> {
            Fibers.spawn(cv::await);
            Fibers.yieldNow();
            return null;
        });
        assertTrue(cv.signal());
    }

    @Test
    void waitersThatTimedOutAreSwept() {
        Condition cv = new Condition();
        int max = Fibers.run(RunOptions.builder().parallelism(1).build(), () -> {
            int m = 0;
            Operation<Boolean> waitOrTick = Operation.choice(cv.waitOperation().wrap(v -> true),
                    Timers.sleepOperation(Duration.ofNanos(1)).wrap(v -> false));
            for (int i = 0; i < 100_000; i++) {
                assertFalse(waitOrTick.perform());
                m = Math.max(m, cv.waiterCount());
            }
            return m;
        });
        assertTrue(max > 0 && max <= 2 * 64 + 2, "waiters held at most " + max);
        assertTrue(cv.signal());
        assertEquals(0, cv.waiterCount());
    }

    @Test
    void waitersAreWokenInTheOrderTheyStartedWaiting() {
        List<Integer> order = Fibers.run(RunOptions.builder().parallelism(1).build(), () -> {
            Condition cv = new Condition();
            List<Integer> woke = new ArrayList<>();
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int n = i;
                fibers.add(Fibers.spawn(() -> {
                    cv.await();
                    woke.add(n);
                }));
                while (fibers.get(n).state() != Fiber.State.SUSPENDED) {
                    Fibers.yieldNow();
                }
            }
            cv.signal();
            for (Fiber<Void> f : fibers) {
                f.join();
            }
            return woke;
        });
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), order);
    }
}
