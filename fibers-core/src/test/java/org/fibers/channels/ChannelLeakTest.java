package org.fibers.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.operations.Operation;
import org.fibers.scheduler.Scheduler;
import org.fibers.timers.Timers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Guile issue #109 and its cousins: a loop of {@code choice(get, sleep)} must keep the channel's
 * waiter queues, the scheduler's timer queue and the heap bounded, whichever branch wins.
 *
 * <p>Iteration counts: 10M for each fiber loop, as the issue asks (about 4-5 s each on this
 * 2-core machine, so the class stays well under 30 s even when the machine is shared), 200k for
 * the plain-thread loop. Sizes are sampled every 1024 iterations, so growth shows early.
 */
class ChannelLeakTest {
    private static final RunOptions ONE = RunOptions.builder().parallelism(1).build();
    /** 64 dead entries may wait for the next sweep, plus the live waiters (here 0-2). */
    private static final int QUEUE_BOUND = 2 * 64 + 8;
    private static final int TIMER_BOUND = 8;

    private static long usedHeapAfterGc() {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        System.gc();
        return mem.getHeapMemoryUsage().getUsed();
    }

    @Test
    @Timeout(60)
    void getWinsEveryTimeAndTheLosingTimersAreRemoved() {
        int iterations = 10_000_000;
        long heapBefore = usedHeapAfterGc();
        int[] maxSeen = Fibers.run(ONE, () -> {
            Channel<Integer> ch = new Channel<>();
            Fiber<Void> sender = Fibers.spawn(() -> {
                for (int i = 0; i < iterations; i++) {
                    ch.put(i);
                }
            });
            Operation<Integer> getOrSleep = Operation.choice(ch.getOperation(),
                    Timers.sleepOperation(Duration.ofSeconds(500)).wrap(v -> -1));
            int maxQueue = 0;
            int maxTimers = 0;
            long sum = 0;
            for (int i = 0; i < iterations; i++) {
                sum += getOrSleep.perform();
                if ((i & 1023) == 0) {
                    maxQueue = Math.max(maxQueue, ch.queuedEntries());
                    maxTimers = Math.max(maxTimers, Scheduler.current().pendingTimers());
                    assertTrue(maxQueue <= QUEUE_BOUND, "channel queue grew to " + maxQueue);
                    assertTrue(maxTimers <= TIMER_BOUND, "timer queue grew to " + maxTimers);
                }
            }
            sender.join();
            assertEquals((long) iterations * (iterations - 1) / 2, sum);
            return new int[] {maxQueue, maxTimers, Scheduler.current().pendingTimers()};
        });
        assertEquals(0, maxSeen[2], "no timer left behind");
        long growth = usedHeapAfterGc() - heapBefore;
        assertTrue(growth < 32L << 20, "heap grew by " + (growth >> 20) + " MiB");
    }

    @Test
    @Timeout(60)
    void timerWinsEveryTimeAndTheStaleGetsAreSwept() {
        int iterations = 10_000_000;
        long heapBefore = usedHeapAfterGc();
        int maxQueue = Fibers.run(ONE, () -> {
            Channel<Integer> ch = new Channel<>();
            Operation<Integer> getOrTick = Operation.choice(ch.getOperation(),
                    Timers.sleepOperation(Duration.ofNanos(1)).wrap(v -> -1));
            int max = 0;
            for (int i = 0; i < iterations; i++) {
                assertEquals(-1, getOrTick.perform());
                if ((i & 1023) == 0) {
                    max = Math.max(max, ch.queuedEntries());
                    assertTrue(max <= QUEUE_BOUND, "channel queue grew to " + max);
                    assertTrue(Scheduler.current().pendingTimers() <= TIMER_BOUND);
                }
            }
            return max;
        });
        assertTrue(maxQueue > 0, "stale gets were queued at all (the test exercises sweeping)");
        long growth = usedHeapAfterGc() - heapBefore;
        assertTrue(growth < 32L << 20, "heap grew by " + (growth >> 20) + " MiB");
    }

    @Test
    @Timeout(60)
    void plainThreadLoopKeepsTheFallbackTimerQueueBounded() throws Exception {
        Channel<Integer> ch = new Channel<>();
        int iterations = 200_000;
        Thread sender = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < iterations; i++) {
                ch.put(i);
            }
        });
        Operation<Integer> getOrSleep = Operation.choice(ch.getOperation(),
                Timers.sleepOperation(Duration.ofSeconds(500)).wrap(v -> -1));
        Scheduler timers = Scheduler.timerScheduler();   // the shared fallback outside fibers
        for (int i = 0; i < iterations; i++) {
            assertEquals(i, getOrSleep.perform());
            if ((i & 1023) == 0) {
                assertTrue(ch.queuedEntries() <= QUEUE_BOUND, "channel queue " + ch.queuedEntries());
                assertTrue(timers.pendingTimers() <= TIMER_BOUND + 64, "fallback timers " + timers.pendingTimers());
            }
        }
        sender.join();
    }
}
