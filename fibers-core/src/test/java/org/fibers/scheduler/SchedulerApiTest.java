package org.fibers.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.fibers.FiberCancelledException;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.junit.jupiter.api.Test;

class SchedulerApiTest {
    @Test
    void createMakesPeersThatKnowEachOther() {
        try (Scheduler s = Scheduler.create(3)) {
            List<Scheduler> peers = s.remotePeers();
            assertEquals(2, peers.size());
            assertFalse(peers.contains(s));
            for (Scheduler p : peers) {
                assertTrue(p.remotePeers().contains(s));
                assertEquals(3, p.peers().size());
            }
            Set<Scheduler> chosen = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                chosen.add(s.chooseParallel());
            }
            assertEquals(Set.copyOf(s.peers()), chosen, "chooseParallel picks among all peers, self included");
            assertNull(s.kernelThread(), "not running yet");
            assertThrows(IllegalArgumentException.class, () -> Scheduler.create(0));
        }
    }

    @Test
    void currentKernelThreadAndRuncountInsideAFiber() {
        Fibers.run(RunOptions.builder().parallelism(1).build(), () -> {
            Scheduler s = Scheduler.current();
            assertSame(s.kernelThread(), org.fibers.internal.LoomSupport.currentCarrier());
            assertNotSame(s.kernelThread(), Thread.currentThread());
            assertFalse(s.kernelThread().isVirtual());
            long before = s.runcount();
            Fibers.yieldNow();
            assertTrue(s.runcount() > before, "a yield resumes in a later turn");
            return null;
        });
    }

    @Test
    void scheduleRunsATaskOnTheCarrierAndCurrentIsSetThere() {
        Fibers.run(RunOptions.builder().parallelism(1).build(), () -> {
            Scheduler s = Scheduler.current();
            AtomicReference<Scheduler> seen = new AtomicReference<>();
            AtomicReference<Thread> thread = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            s.schedule(() -> {
                seen.set(Scheduler.current());
                thread.set(Thread.currentThread());
                done.countDown();
            });
            while (done.getCount() > 0) {
                Fibers.yieldNow();
            }
            assertSame(s, seen.get());
            assertSame(s.kernelThread(), thread.get());
            return null;
        });
    }

    @Test
    void scheduleFromAnotherThreadWakesASleepingScheduler() throws Exception {
        try (Scheduler s = Scheduler.create(1)) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread loop = new Thread(() -> s.run(stop::get), "test-loop");
            loop.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> s.kernelThread() == loop);
            Thread.sleep(50); // let it go to sleep
            CountDownLatch ran = new CountDownLatch(1);
            s.schedule(ran::countDown);
            assertTrue(ran.await(10, TimeUnit.SECONDS));
            assertTrue(s.runcount() > 0);
            stop.set(true);
            s.wakeup();
            loop.join(10_000);
            assertFalse(loop.isAlive());
        }
    }

    @Test
    void runIsAnErrorWhenTheSchedulerRunsElsewhereOrOnAVirtualThread() throws Exception {
        try (Scheduler s = Scheduler.create(1)) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread loop = new Thread(() -> s.run(stop::get));
            loop.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> s.kernelThread() == loop);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.run(() -> true));
            assertTrue(e.getMessage().contains("already runs"), e.getMessage());
            AtomicReference<Throwable> fromVirtual = new AtomicReference<>();
            Thread.ofVirtual().start(() -> {
                try {
                    Scheduler.create(1).run(() -> true);
                } catch (Throwable t) {
                    fromVirtual.set(t);
                }
            }).join();
            assertTrue(fromVirtual.get() instanceof IllegalStateException);
            stop.set(true);
            s.wakeup();
            loop.join(10_000);
        }
    }

    @Test
    void scheduleAtFiresTimersInDeadlineOrder() {
        List<Integer> fired = new java.util.concurrent.CopyOnWriteArrayList<>();
        Fibers.run(RunOptions.builder().parallelism(1).drain(true).build(), () -> {
            Scheduler s = Scheduler.current();
            long base = System.nanoTime() + 20_000_000;
            int[] offsets = {7, 3, 9, 1, 5, 5, 0, 8, 2, 6, 4};
            for (int i = 0; i < offsets.length; i++) {
                int id = i;
                s.scheduleAt(base + offsets[i] * 1_000_000L, () -> fired.add(id));
            }
            return null;
        });
        // equal deadlines (two 5s: ids 4 then 5) fire in insertion order
        assertEquals(List.of(6, 3, 8, 1, 10, 4, 5, 9, 0, 7, 2), fired);
    }

    @Test
    void cancelledTimersAreRemovedAndNeverRun() {
        AtomicInteger ran = new AtomicInteger();
        Fibers.run(RunOptions.builder().parallelism(1).build(), () -> {
            Scheduler s = Scheduler.current();
            int base = s.pendingTimers();
            TimerHandle[] handles = new TimerHandle[1000];
            for (int i = 0; i < handles.length; i++) {
                handles[i] = s.scheduleAt(System.nanoTime() + 60_000_000_000L, ran::incrementAndGet);
            }
            assertEquals(base + 1000, s.pendingTimers());
            for (TimerHandle h : handles) {
                assertTrue(h.cancel());
                assertFalse(h.cancel());
                assertFalse(h.isPending());
            }
            assertEquals(base, s.pendingTimers(), "cancel on the owning carrier removes at once");
            return null;
        });
        assertEquals(0, ran.get());
    }

    @Test
    void timersCancelledFromAnotherThreadAreSweptAway() throws Exception {
        try (Scheduler s = Scheduler.create(1)) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread loop = new Thread(() -> s.run(stop::get));
            loop.start();
            TimerHandle[] handles = new TimerHandle[10_000];
            for (int i = 0; i < handles.length; i++) {
                handles[i] = s.scheduleAt(System.nanoTime() + 60_000_000_000L, () -> { });
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> s.pendingTimers() == handles.length);
            for (TimerHandle h : handles) {
                assertTrue(h.cancel());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> s.pendingTimers() == 0);
            stop.set(true);
            s.wakeup();
            loop.join(10_000);
        }
    }

    @Test
    void suspendCurrentTaskResumesThroughTheGivenContinuation() {
        Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            AtomicReference<Scheduler> given = new AtomicReference<>();
            Scheduler.suspendCurrentTask((sched, resume) -> {
                given.set(sched);
                sched.scheduleAt(System.nanoTime() + 10_000_000, resume);
            });
            assertTrue(Scheduler.current().peers().contains(given.get()), "the callback gets the fiber's scheduler");
            return null;
        });
    }

    @Test
    void suspendCurrentTaskIsCancellable() {
        Fibers.run(RunOptions.builder().parallelism(1).build(), () -> {
            var f = Fibers.spawn(() -> Scheduler.suspendCurrentTask((sched, resume) -> { }));
            Fibers.sleep(Duration.ofMillis(10));
            f.cancel();
            assertThrows(FiberCancelledException.class, f::join);
            return null;
        });
    }

    @Test
    void workPendingSeesQueuedFibers() {
        Fibers.run(RunOptions.builder().parallelism(1).build(), () -> {
            Scheduler s = Scheduler.current();
            assertFalse(s.workPending());
            Fibers.spawn(() -> { });
            assertTrue(s.workPending());
            Fibers.yieldNow();
            return null;
        });
    }

    @Test
    void schedulersOfAGroupRunOnDistinctCarriers() {
        Set<Thread> carriers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Fibers.run(RunOptions.builder().parallelism(3).build(), () -> {
            // a peer may steal a fiber before its target runs it, so try a few rounds
            for (int round = 0; round < 200 && carriers.size() < 3; round++) {
                for (Scheduler p : Scheduler.current().peers()) {
                    Fibers.spawn(() -> carriers.add(Scheduler.current().kernelThread()), p, false).join();
                }
            }
            return null;
        });
        assertEquals(3, carriers.size());
        for (Thread t : carriers) {
            assertFalse(t.isVirtual());
        }
    }
}
