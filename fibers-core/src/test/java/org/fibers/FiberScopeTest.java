package org.fibers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FiberScopeTest {
    private static <T> T inFibers(java.util.concurrent.Callable<T> body) {
        return Fibers.run(RunOptions.builder().parallelism(2).build(), body);
    }

    @Test
    void allSucceedJoinsEveryChildAndGivesTheirValues() {
        int sum = inFibers(() -> {
            try (FiberScope scope = FiberScope.allSucceed()) {
                List<FiberScope.Child<Integer>> children = new java.util.ArrayList<>();
                for (int i = 1; i <= 100; i++) {
                    int n = i;
                    children.add(scope.spawn(() -> {
                        Fibers.sleep(Duration.ofMillis(n % 7));
                        return n;
                    }));
                }
                scope.join();
                int s = 0;
                for (FiberScope.Child<Integer> c : children) {
                    assertEquals(FiberScope.Child.State.SUCCEEDED, c.state());
                    s += c.get();
                }
                return s;
            }
        });
        assertEquals(5050, sum);
    }

    @Test
    void allSucceedFirstFailureCancelsSiblingsAndIsRethrownWithOthersSuppressed() {
        inFibers(() -> {
            AtomicInteger cancelledSiblings = new AtomicInteger();
            FiberScope.Child<Object> slow;
            try (FiberScope scope = FiberScope.allSucceed()) {
                slow = scope.spawn(() -> {
                    try {
                        Fibers.sleep(Duration.ofSeconds(60));
                    } catch (FiberCancelledException e) {
                        cancelledSiblings.incrementAndGet();
                        throw e;
                    }
                    return null;
                });
                scope.spawn(() -> {
                    Fibers.sleep(Duration.ofMillis(10));
                    throw new IOException("first");
                });
                scope.spawn(() -> {
                    Fibers.sleep(Duration.ofMillis(10));
                    throw new IllegalStateException("second");
                });
                FiberFailedException e = assertThrows(FiberFailedException.class, scope::join);
                Throwable first = e.getCause();
                assertTrue(first instanceof IOException || first instanceof IllegalStateException, "" + first);
                assertTrue(e.getSuppressed().length <= 1);
            }
            assertEquals(1, cancelledSiblings.get());
            assertEquals(FiberScope.Child.State.CANCELLED, slow.state());
            return null;
        });
    }

    @Test
    void firstSuccessWinsAndCancelsTheRest() {
        String winner = inFibers(() -> {
            try (FiberScope scope = FiberScope.firstSuccess()) {
                scope.spawn(() -> {
                    Fibers.sleep(Duration.ofSeconds(60));
                    return "slow";
                });
                scope.spawn(() -> {
                    throw new IOException("a failure does not win");
                });
                scope.spawn(() -> {
                    Fibers.sleep(Duration.ofMillis(20));
                    return "fast";
                });
                return scope.<String>result();
            }
        });
        assertEquals("fast", winner);
    }

    @Test
    void firstSuccessWhenAllFailThrowsTheFailures() {
        inFibers(() -> {
            try (FiberScope scope = FiberScope.firstSuccess()) {
                scope.spawn(() -> {
                    throw new IOException("one");
                });
                scope.spawn(() -> {
                    throw new IOException("two");
                });
                FiberFailedException e = assertThrows(FiberFailedException.class, scope::result);
                assertInstanceOf(IOException.class, e.getCause());
                assertEquals(1, e.getSuppressed().length);
            }
            return null;
        });
    }

    @Test
    void awaitAllCancelsNothingAndKeepsEachOutcome() {
        inFibers(() -> {
            try (FiberScope scope = FiberScope.awaitAll()) {
                var bad = scope.spawn(() -> {
                    throw new IOException("bad");
                });
                var good = scope.spawn(() -> {
                    Fibers.sleep(Duration.ofMillis(30));
                    return "good";
                });
                scope.join();
                assertEquals(FiberScope.Child.State.FAILED, bad.state());
                assertThrows(FiberFailedException.class, bad::get);
                assertEquals("good", good.get());
            }
            return null;
        });
    }

    @Test
    void closeNeverReturnsWhileAChildRuns() {
        inFibers(() -> {
            List<String> events = new CopyOnWriteArrayList<>();
            try (FiberScope scope = FiberScope.awaitAll()) {
                scope.spawn(() -> {
                    try {
                        Fibers.sleep(Duration.ofSeconds(60));
                    } finally {
                        // a cleanup that itself suspends must clear the interrupt status first
                        Thread.interrupted();
                        Fibers.sleep(Duration.ofMillis(20));
                        events.add("child cleaned up");
                    }
                });
                Fibers.sleep(Duration.ofMillis(5));
            }
            events.add("scope closed");
            assertEquals(List.of("child cleaned up", "scope closed"), events);
            return null;
        });
    }

    @Test
    void deadlineCancelsEverythingInsideAndJoinThrowsTimeout() {
        inFibers(() -> {
            AtomicInteger cancelled = new AtomicInteger();
            long start = System.nanoTime();
            try (FiberScope scope = FiberScope.open(FiberScope.Policy.AWAIT_ALL, Duration.ofMillis(50))) {
                for (int i = 0; i < 10; i++) {
                    scope.spawn(() -> {
                        try {
                            Fibers.sleep(Duration.ofSeconds(60));
                        } catch (FiberCancelledException e) {
                            cancelled.incrementAndGet();
                            throw e;
                        }
                    });
                }
                assertThrows(FiberTimeoutException.class, scope::join);
            }
            assertEquals(10, cancelled.get());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos());
            return null;
        });
    }

    @Test
    void withTimeoutReturnsTheValueInTimeAndCancelsTheBlockOtherwise() {
        inFibers(() -> {
            assertEquals(7, FiberScope.withTimeout(Duration.ofSeconds(10), () -> 7));
            AtomicInteger innerCancelled = new AtomicInteger();
            FiberTimeoutException timeout = assertThrows(FiberTimeoutException.class, () -> FiberScope.withTimeout(Duration.ofMillis(30), () -> {
                // a nested scope inside the block is cancelled too
                try (FiberScope inner = FiberScope.awaitAll()) {
                    inner.spawn(() -> {
                        try {
                            Fibers.sleep(Duration.ofSeconds(60));
                        } catch (FiberCancelledException e) {
                            innerCancelled.incrementAndGet();
                            throw e;
                        }
                    });
                    inner.join();
                }
                return 0;
            }));
            assertEquals(1, innerCancelled.get());
            assertEquals(Duration.ofMillis(30), timeout.timeout());
            assertEquals("scope timed out after 30 ms", timeout.getMessage());
            assertEquals("scope timed out after 2.5 s",
                    new FiberTimeoutException("scope", Duration.ofMillis(2500)).getMessage());
            return null;
        });
    }

    @Test
    void nestedScopesCancelDownwards() {
        inFibers(() -> {
            AtomicInteger grandchildrenCancelled = new AtomicInteger();
            try (FiberScope outer = FiberScope.allSucceed()) {
                outer.spawn(() -> {
                    try (FiberScope inner = FiberScope.awaitAll()) {
                        for (int i = 0; i < 5; i++) {
                            inner.spawn(() -> {
                                try {
                                    Fibers.sleep(Duration.ofSeconds(60));
                                } catch (FiberCancelledException e) {
                                    grandchildrenCancelled.incrementAndGet();
                                    throw e;
                                }
                            });
                        }
                        inner.join();
                    }
                    return null;
                });
                outer.spawn(() -> {
                    Fibers.sleep(Duration.ofMillis(20));
                    throw new IllegalStateException("sibling failure");
                });
                assertThrows(FiberFailedException.class, outer::join);
            }
            assertEquals(5, grandchildrenCancelled.get());
            return null;
        });
    }

    @Test
    void spawnAfterCloseIsAnError() {
        inFibers(() -> {
            FiberScope scope = FiberScope.awaitAll();
            scope.close();
            assertThrows(IllegalStateException.class, () -> scope.spawn(() -> 1));
            return null;
        });
    }

    @Test
    void cancelReachesARunningFiberAtItsNextSuspensionPoint() {
        inFibers(() -> {
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicBoolean go = new java.util.concurrent.atomic.AtomicBoolean();
            Fiber<Void> busy = Fibers.spawn(() -> {
                running.set(true);
                while (!go.get()) {
                    Thread.onSpinWait(); // running, not suspended
                }
                Fibers.sleep(Duration.ofSeconds(60)); // the next suspension point
            }, org.fibers.scheduler.Scheduler.current().remotePeers().get(0), false);
            // The canceller is a plain thread: an idle peer may steal the busy fiber onto any
            // carrier, and a carrier it spins on runs nothing else until it suspends.
            java.util.concurrent.atomic.AtomicBoolean doneBeforeCancel = new java.util.concurrent.atomic.AtomicBoolean();
            Thread canceller = Thread.ofPlatform().start(() -> {
                while (!running.get()) {
                    Thread.onSpinWait();
                }
                doneBeforeCancel.set(busy.isDone());
                busy.cancel();
                go.set(true);
            });
            assertThrows(FiberCancelledException.class, busy::join);
            canceller.join();
            assertFalse(doneBeforeCancel.get(), "the fiber was still running when cancelled");
            return null;
        });
    }

    @Test
    @Timeout(30) // before the fix, join() and close() hung here for ever
    void aChildLoopingOnYieldNowIsCancelledWhenASiblingFails() {
        AtomicInteger loopsEnded = new AtomicInteger();
        inFibers(() -> {
            try (FiberScope scope = FiberScope.allSucceed()) {
                for (int i = 0; i < 3; i++) {
                    scope.spawn(() -> {
                        try {
                            while (true) {
                                Fibers.yieldNow();
                            }
                        } catch (FiberCancelledException e) {
                            loopsEnded.incrementAndGet();
                            throw e;
                        }
                    });
                }
                scope.spawn(() -> {
                    Fibers.sleep(Duration.ofMillis(20));
                    throw new IllegalStateException("sibling failed");
                });
                FiberFailedException e = assertThrows(FiberFailedException.class, scope::join);
                assertInstanceOf(IllegalStateException.class, e.getCause());
            }
            return null;
        });
        assertEquals(3, loopsEnded.get());
    }

    @Test
    @Timeout(30)
    void aChildLoopingOnSleepZeroEndsWhenTheScopeCloses() {
        AtomicInteger loopsEnded = new AtomicInteger();
        inFibers(() -> {
            FiberScope.Child<Void> looper;
            try (FiberScope scope = FiberScope.awaitAll()) {
                looper = scope.spawn(() -> {
                    try {
                        while (true) {
                            Fibers.sleep(Duration.ZERO);
                        }
                    } catch (FiberCancelledException e) {
                        loopsEnded.incrementAndGet();
                        throw e;
                    }
                });
                Fibers.sleep(Duration.ofMillis(10));
            }
            assertEquals(FiberScope.Child.State.CANCELLED, looper.state());
            return null;
        });
        assertEquals(1, loopsEnded.get());
    }

    @Test
    void yieldNowOnAnInterruptedPlatformThreadThrowsAndKeepsTheStatus() {
        Thread.currentThread().interrupt();
        try {
            assertThrows(FiberCancelledException.class, Fibers::yieldNow);
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }
}
