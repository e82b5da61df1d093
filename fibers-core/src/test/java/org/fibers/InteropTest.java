package org.fibers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fibers.scheduler.Scheduler;
import org.junit.jupiter.api.Test;

class InteropTest {
    @Test
    void aFibersResultAsACompletableFuture() throws Exception {
        CompletableFuture<Integer> ok = Fibers.run(() -> Fibers.spawn(() -> 21).toCompletableFuture().thenApply(x -> x * 2));
        assertEquals(42, ok.get(10, TimeUnit.SECONDS));
        CompletableFuture<Object> failed = Fibers.run(RunOptions.builder().uncaughtExceptionHandler((w, e) -> { }).build(),
                () -> {
                    Fiber<Object> f = Fibers.spawn(() -> {
                        throw new IOException("io");
                    });
                    CompletableFuture<Object> cf = f.toCompletableFuture();
                    assertThrows(FiberFailedException.class, f::join);
                    return cf;
                });
        ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void cancellingTheFutureCancelsTheFiber() {
        Fibers.run(() -> {
            Fiber<Void> f = Fibers.spawn(() -> Fibers.sleep(Duration.ofSeconds(60)));
            CompletableFuture<Void> cf = f.toCompletableFuture();
            Fibers.sleep(Duration.ofMillis(5));
            cf.cancel(true);
            assertThrows(FiberCancelledException.class, f::join);
            return null;
        });
    }

    @Test
    void executorServiceRunsTasksAsFibers() throws Exception {
        FiberExecutorService executor = FiberExecutorService.create(2);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                tasks.add(() -> {
                    Fibers.sleep(Duration.ofMillis(1)); // a fiber operation: only works in a fiber
                    return Fiber.current() != null && Scheduler.current() != null;
                });
            }
            for (Future<Boolean> f : executor.invokeAll(tasks)) {
                assertTrue(f.get());
            }
        } finally {
            executor.shutdown();
            assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void shutdownNowCancelsRunningFibersAndFutureCancelInterruptsTheFiber() throws Exception {
        FiberExecutorService executor = FiberExecutorService.create(1);
        AtomicInteger cancelled = new AtomicInteger();
        Callable<Void> sleeper = () -> {
            try {
                Fibers.sleep(Duration.ofSeconds(60));
            } catch (FiberCancelledException e) {
                cancelled.incrementAndGet();
                throw e;
            }
            return null;
        };
        Future<Void> one = executor.submit(sleeper);
        executor.submit(sleeper);
        executor.submit(sleeper);
        Thread.sleep(50);
        assertTrue(one.cancel(true));
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(3, cancelled.get());
        assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> executor.submit(() -> 1));
    }
}
