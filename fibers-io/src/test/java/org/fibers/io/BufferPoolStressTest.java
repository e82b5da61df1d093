package org.fibers.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.scheduler.Scheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link BufferPool} under contention: fibers on two carriers and plain threads (more threads
 * than stripes, so some stripes are shared) borrow and give back at once. No lease is ever held
 * by two borrowers, nothing is lost, and afterwards every live buffer is one the pool keeps.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BufferPoolStressTest {
    private static final int ROUNDS = 20_000;

    @Test
    void leasesAreExclusiveAndAllComeBack() throws Exception {
        long liveBefore = BufferPool.live();
        long keptBefore = BufferPool.kept();
        assertEquals(liveBefore, keptBefore, "another test left buffers borrowed");
        ConcurrentHashMap<BufferPool.Lease, Thread> inUse = new ConcurrentHashMap<>();
        AtomicInteger doubleLeases = new AtomicInteger();
        Runnable worker = () -> {
            List<BufferPool.Lease> held = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                int n = 1 + (i % 3); // hold up to three at a time, as a socket's reader and writer do
                for (int k = 0; k < n; k++) {
                    BufferPool.Lease l = BufferPool.borrow();
                    if (inUse.putIfAbsent(l, Thread.currentThread()) != null) {
                        doubleLeases.incrementAndGet();
                    }
                    l.buffer.putLong(0, i); // the memory is usable
                    held.add(l);
                }
                if ((i & 63) == 0) {
                    Thread.yield(); // let fibers move between carriers and threads interleave
                }
                for (BufferPool.Lease l : held) {
                    inUse.remove(l);
                    BufferPool.giveBack(l);
                }
                held.clear();
            }
        };
        int threads = 2 * BufferPool.stripes();
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Thread.ofPlatform().name("pool-stress-" + t).start(() -> {
                try {
                    worker.run();
                } finally {
                    done.countDown();
                }
            });
        }
        Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            List<Fiber<?>> fibers = new ArrayList<>();
            for (int f = 0; f < 8; f++) {
                fibers.add(Fibers.spawn(worker, Scheduler.current(), true));
            }
            for (Fiber<?> f : fibers) {
                f.join();
            }
            return null;
        });
        assertTrue(done.await(60, TimeUnit.SECONDS), "plain threads did not finish");
        assertEquals(0, doubleLeases.get(), "a lease was handed to two borrowers at once");
        assertTrue(inUse.isEmpty());
        assertEquals(BufferPool.live(), BufferPool.kept(), "every live buffer is a kept one: none lost");
        assertTrue(BufferPool.kept() <= (long) BufferPool.stripes() * 16, "the pool keeps at most 16 per stripe");
    }
}
