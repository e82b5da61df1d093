package org.fibers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.fibers.scheduler.Scheduler;
import org.junit.jupiter.api.Test;

class FibersRunTest {
    @Test
    void runReturnsTheValueOfInit() {
        assertEquals("hello", Fibers.run(() -> "hello"));
    }

    @Test
    void initRunsInAFiberOnTheCallingThreadAsCarrier() {
        Thread caller = Thread.currentThread();
        AtomicReference<Thread> carrier = new AtomicReference<>();
        Fiber<?> fiber = Fibers.run(() -> {
            carrier.set(Scheduler.current().kernelThread());
            return Fiber.current();
        });
        assertNotNull(fiber);
        assertSame(caller, carrier.get());
        assertTrue(fiber.isDone());
    }

    @Test
    void anUncheckedExceptionOfInitIsWrappedAsJoinWrapsIt() {
        FiberFailedException thrown = assertThrows(FiberFailedException.class,
                () -> Fibers.run(() -> {
                    throw new IllegalArgumentException("boom");
                }));
        assertInstanceOf(IllegalArgumentException.class, thrown.getCause());
        assertEquals("boom", thrown.getCause().getMessage());
    }

    @Test
    void aChildsFailureReachesTheCallerOfJoinScopeJoinAndRunAlike() {
        IllegalStateException boom = new IllegalStateException("child failed");
        FiberFailedException viaJoin = Fibers.run(() -> assertThrows(FiberFailedException.class,
                Fibers.spawn((Callable<Void>) () -> {
                    throw boom;
                })::join));
        FiberFailedException viaScope = Fibers.run(() -> {
            try (FiberScope scope = FiberScope.allSucceed()) {
                scope.spawn((Runnable) () -> {
                    throw boom;
                });
                return assertThrows(FiberFailedException.class, scope::join);
            }
        });
        FiberFailedException viaRun = assertThrows(FiberFailedException.class, () -> Fibers.run(() -> {
            throw boom;
        }));
        assertSame(boom, viaJoin.getCause());
        assertSame(boom, viaScope.getCause());
        assertSame(boom, viaRun.getCause());
    }

    @Test
    void checkedExceptionOfInitIsWrapped() {
        FiberFailedException thrown = assertThrows(FiberFailedException.class,
                () -> Fibers.run(() -> {
                    throw new IOException("disk");
                }));
        assertInstanceOf(IOException.class, thrown.getCause());
    }

    @Test
    void spawnOutsideASchedulerIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Fibers.spawn(() -> { }));
        assertTrue(e.getMessage().contains("no current scheduler"), e.getMessage());
        assertNull(Scheduler.current());
        assertNull(Fiber.current());
    }

    @Test
    void withoutDrainFibersStillAliveWhenInitReturnsAreCancelledAndAwaited() {
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger cleanedUp = new AtomicInteger();
        long start = System.nanoTime();
        Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            for (int i = 0; i < 50; i++) {
                Fibers.spawn(() -> {
                    try {
                        Fibers.sleep(Duration.ofSeconds(30));
                        finished.incrementAndGet();
                    } finally {
                        cleanedUp.incrementAndGet();
                    }
                }, Scheduler.current(), true);
            }
            Fibers.sleep(Duration.ofMillis(10));
            return null;
        });
        assertEquals(0, finished.get());
        assertEquals(50, cleanedUp.get(), "every fiber ran its cleanup before run returned");
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos());
    }

    @Test
    void aChildSpawnedJustBeforeInitReturnsStillDeliversItsResult() throws Exception {
        java.util.concurrent.CompletableFuture<Integer> f =
                Fibers.run(() -> Fibers.spawn(() -> 21).toCompletableFuture().thenApply(x -> x * 2));
        assertEquals(42, f.get(10, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void drainWaitsForSleepingAndBlockedFibers() {
        AtomicInteger finished = new AtomicInteger();
        Fibers.run(RunOptions.builder().parallelism(2).drain(true).build(), () -> {
            for (int i = 0; i < 100; i++) {
                int n = i;
                Fibers.spawn(() -> {
                    Fibers.sleep(Duration.ofMillis(50 + n));
                    finished.incrementAndGet();
                });
            }
            // a fiber blocked on another's completion, itself released by a sleeper
            Fiber<Void> sleeper = Fibers.spawn(() -> Fibers.sleep(Duration.ofMillis(150)));
            Fibers.spawn(() -> {
                sleeper.join();
                finished.incrementAndGet();
            });
            return null;
        });
        assertEquals(101, finished.get());
    }

    @Test
    void drainWorksWithPreemptionOn() {
        AtomicInteger finished = new AtomicInteger();
        Fibers.run(RunOptions.builder().parallelism(2).hz(1000).drain(true).build(), () -> {
            for (int i = 0; i < 20; i++) {
                Fibers.spawn(() -> {
                    long until = System.nanoTime() + 20_000_000;
                    while (System.nanoTime() - until < 0) {
                        Scheduler.preemptionPoint();
                    }
                    finished.incrementAndGet();
                });
            }
            return null;
        });
        assertEquals(20, finished.get());
    }

    @Test
    void userSchedulerIsNotClosedAndCanRunAgain() {
        try (Scheduler s = Scheduler.create(2)) {
            RunOptions options = RunOptions.builder().scheduler(s).build();
            assertEquals(1, (int) Fibers.run(options, () -> 1));
            assertEquals(2, (int) Fibers.run(options, () -> {
                assertSame(s, Scheduler.current());
                return Fibers.spawn(() -> 2, s, true).join();
            }));
        }
    }

    @Test
    void runFromInsideAFiberRunsOnANewPlatformThread() {
        int inner = Fibers.run(() -> Fibers.run(() -> 41) + 1);
        assertEquals(42, inner);
    }

    @Test
    void runFromAVirtualThreadWorks() throws Exception {
        AtomicInteger result = new AtomicInteger();
        Thread vt = Thread.ofVirtual().start(() -> result.set(Fibers.run(() -> 7)));
        vt.join(Duration.ofSeconds(30));
        assertFalse(vt.isAlive());
        assertEquals(7, result.get());
    }
}
