package org.fibers.timers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.fibers.Fiber;
import org.fibers.FiberCancelledException;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.channels.Channel;
import org.fibers.conditions.Condition;
import org.fibers.operations.Operation;
import org.fibers.scheduler.Scheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TimersTest {
    private static final RunOptions ONE = RunOptions.builder().parallelism(1).build();

    private static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    @Test
    void sleepOperationWaitsAtLeastItsDurationInFibersAndThreads() {
        long t0 = System.nanoTime();
        Timers.sleepOperation(Duration.ofMillis(40)).perform();
        assertTrue(millisSince(t0) >= 40);
        long inFiber = Fibers.run(ONE, () -> {
            long t1 = System.nanoTime();
            Timers.sleepOperation(Duration.ofMillis(40)).perform();
            return millisSince(t1);
        });
        assertTrue(inFiber >= 40, inFiber + " ms");
    }

    @Test
    void aSleepOperationCountsFromEachPerformSoItCanBeReused() {
        Operation<Void> nap = Timers.sleepOperation(Duration.ofMillis(30));
        nap.perform();
        long t0 = System.nanoTime();
        nap.perform();
        assertTrue(millisSince(t0) >= 30);
    }

    @Test
    void zeroSleepsAndPastDeadlinesAreReadyAtOnce() {
        assertEquals("now", Operation.choice(Timers.timerOperation(System.nanoTime() - 1).wrap(v -> "now"),
                Operation.never()).perform());
        assertEquals("now", Timers.sleepOperation(Duration.ZERO).wrap(v -> "now").perform());
        assertEquals("now", Timers.sleepOperation(Duration.ofSeconds(-5)).wrap(v -> "now").perform());
    }

    @Test
    void timerOperationCompletesAtItsDeadline() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(30);
        long late = Fibers.run(ONE, () -> {
            Timers.timerOperation(deadline).perform();
            return System.nanoTime() - deadline;
        });
        assertTrue(late >= 0, "woke " + late + " ns early");
    }

    /**
     * Guile's timer tests: many timers, set in shuffled order, fire in deadline order. The
     * fibers are all spawned and parked before the deadlines are fixed, 100 ms ahead, so every
     * timer is registered before the first one is due even on a loaded machine.
     */
    @Test
    void manyTimersFireInDeadlineOrder() {
        int n = 200;
        List<Integer> order = Fibers.run(ONE, () -> {
            List<Integer> slots = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                slots.add(i);
            }
            Collections.shuffle(slots);
            Condition go = new Condition();
            long[] base = new long[1];
            ConcurrentLinkedQueue<Integer> fired = new ConcurrentLinkedQueue<>();
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (int slot : slots) {
                fibers.add(Fibers.spawn(() -> {
                    go.await();
                    long deadline = base[0] + slot * 200_000L;                 // 0.2 ms apart
                    assertTrue(System.nanoTime() - deadline < 0, "registered in time");
                    Timers.timerOperation(deadline).perform();
                    assertTrue(System.nanoTime() - deadline >= 0, "not early");
                    fired.add(slot);
                }));
            }
            Fibers.yieldNow();
            base[0] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            go.signal();
            for (Fiber<Void> f : fibers) {
                f.join();
            }
            return new ArrayList<>(fired);
        });
        List<Integer> sorted = new ArrayList<>(order);
        Collections.sort(sorted);
        assertEquals(n, order.size());
        assertEquals(sorted, order);
    }

    @Test
    void theTimerOfALosingBranchIsRemovedFromTheQueue() {
        int[] pending = Fibers.run(ONE, () -> {
            Channel<String> ch = new Channel<>();
            Scheduler s = Scheduler.current();
            Fiber<String> waiter = Fibers.spawn(() -> Operation.choice(ch.getOperation(),
                    Timers.sleepOperation(Duration.ofHours(1)).wrap(v -> "timeout")).perform());
            while (waiter.state() != Fiber.State.SUSPENDED) {
                Fibers.yieldNow();
            }
            int during = s.pendingTimers();
            ch.put("msg");
            assertEquals("msg", waiter.join());
            return new int[] {during, s.pendingTimers()};
        });
        assertEquals(1, pending[0], "one timer while blocked");
        assertEquals(0, pending[1], "removed when the get won");
    }

    /**
     * Outside fibers the timer lives on the shared fallback scheduler and is cancelled from
     * another thread, which the core removes lazily (counted, swept once cancelled entries are
     * half of the heap): so the queue stays bounded however many waits are cancelled.
     */
    @Test
    void plainThreadsWaitingOnTimersCanBeCancelledWithoutFillingTheTimerQueue() throws Exception {
        Scheduler fallback = Scheduler.timerScheduler();
        for (int i = 0; i < 100; i++) {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    Timers.sleepOperation(Duration.ofHours(1)).perform();
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(Thread.currentThread().isInterrupted() ? e : new AssertionError("status cleared"));
                }
            });
            org.awaitility.Awaitility.await().pollInterval(Duration.ofMillis(1))
                    .until(() -> t.getState() == Thread.State.WAITING);
            t.interrupt();
            assertInstanceOf(FiberCancelledException.class, outcome.get(5, TimeUnit.SECONDS));
        }
        assertTrue(fallback.pendingTimers() <= 64, "fallback timers: " + fallback.pendingTimers());
    }

    @Test
    void timeoutsAcrossSchedulersFireOnTheWaitersOwnScheduler() {
        long count = Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            List<Fiber<Boolean>> fibers = new ArrayList<>();
            Channel<Integer> silent = new Channel<>();
            for (int i = 0; i < 50; i++) {
                fibers.add(Fibers.spawn(() -> Operation.choice(silent.getOperation().wrap(v -> false),
                        Timers.sleepOperation(Duration.ofMillis(5)).wrap(v -> true)).perform()));
            }
            long timedOut = 0;
            for (Fiber<Boolean> f : fibers) {
                timedOut += f.join() ? 1 : 0;
            }
            return timedOut;
        });
        assertEquals(50, count);
    }
}
