package org.fibers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.fibers.scheduler.Scheduler;
import org.junit.jupiter.api.Test;

class FiberTest {
    @Test
    void hundredThousandFibersSpawnedAndJoined() {
        int n = 100_000;
        long sum = Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            List<Fiber<Integer>> fibers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int v = i;
                fibers.add(Fibers.spawn(() -> v));
            }
            long s = 0;
            for (Fiber<Integer> f : fibers) {
                s += f.join();
            }
            return s;
        });
        assertEquals((long) n * (n - 1) / 2, sum);
    }

    @Test
    void anEndedFibersHandleLetsItsThreadGo() {
        List<java.lang.ref.WeakReference<Thread>> threads = new ArrayList<>();
        List<Fiber<Integer>> handles = Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            List<Fiber<Integer>> fibers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int v = i;
                Fiber<Integer> f = Fibers.spawn(() -> {
                    Fibers.yieldNow(); // suspended and resumed once: a continuation with a stack
                    return v;
                });
                threads.add(new java.lang.ref.WeakReference<>(f.thread()));
                fibers.add(f);
            }
            for (Fiber<Integer> f : fibers) {
                f.join();
            }
            return fibers;
        });
        for (int i = 0; i < handles.size(); i++) {
            Fiber<Integer> f = handles.get(i);
            assertEquals(i, f.join(), "the outcome stays");
            assertEquals(Fiber.State.DONE, f.state());
            assertNull(f.thread(), "an ended fiber has no thread");
            assertEquals("fiber-" + f.id(), f.name());
            assertFalse(f.cancel(), "nothing to cancel");
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            System.gc();
            assertEquals(0, threads.stream().filter(r -> r.get() != null).count(),
                    "virtual threads still reachable while only the fiber handles are held");
        });
        assertEquals(100, handles.size()); // the handles were held throughout
    }

    @Test
    void fiberHasIdNameStateAndScheduler() {
        Fibers.run(RunOptions.builder().parallelism(1).build(), () -> {
            Fiber<?> me = Fiber.current();
            assertEquals(Fiber.State.RUNNABLE, me.state());
            assertSame(Scheduler.current(), me.scheduler());
            assertTrue(me.thread().isVirtual());
            assertSame(Thread.currentThread(), me.thread());
            Fiber<Void> sleeper = Fibers.spawn(() -> Fibers.sleep(Duration.ofMillis(200)));
            Fibers.sleep(Duration.ofMillis(50));
            assertEquals(Fiber.State.SUSPENDED, sleeper.state());
            assertNotEquals(me.id(), sleeper.id());
            assertEquals("fiber-" + sleeper.id(), sleeper.name());
            assertEquals("worker", sleeper.setName("worker").name());
            sleeper.join();
            assertEquals(Fiber.State.DONE, sleeper.state());
            assertTrue(sleeper.isDone());
            return null;
        });
    }

    @Test
    void joinRethrowsTheFailureWrapped() {
        Fibers.run(RunOptions.builder().uncaughtExceptionHandler((what, e) -> { }).build(), () -> {
            Fiber<Void> f = Fibers.spawn(() -> {
                throw new IllegalStateException("bad");
            });
            FiberFailedException e = assertThrows(FiberFailedException.class, f::join);
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertSame(e.getCause(), f.failure());
            return null;
        });
    }

    @Test
    void uncaughtExceptionsAreReportedWithTheFiberAndNeverKillTheCarrier() {
        List<Object> reported = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Fiber<Void>> unjoined = new ArrayList<>();
        int after = Fibers.run(RunOptions.builder().parallelism(1)
                .uncaughtExceptionHandler((what, e) -> {
                    reported.add(what);
                    failures.add(e);
                }).build(), () -> {
            Thread carrier = Scheduler.current().kernelThread();
            List<Fiber<Void>> joined = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                joined.add(Fibers.spawn(() -> {
                    throw new RuntimeException("joined failure");
                }));
                unjoined.add(Fibers.spawn(() -> {
                    throw new RuntimeException("failure nobody joins");
                }));
            }
            for (Fiber<Void> f : joined) {
                assertThrows(FiberFailedException.class, f::join);
            }
            assertSame(carrier, Scheduler.current().kernelThread());
            assertTrue(carrier.isAlive());
            return Fibers.spawn(() -> 5).join();
        });
        assertEquals(5, after);
        // the ten joined failures were rethrown to their joiner, so only the other ten are reported
        assertEquals(10, reported.size(), "" + failures);
        assertTrue(reported.containsAll(unjoined), "each unjoined fiber is reported: " + reported);
        assertTrue(failures.stream().allMatch(e -> e.getMessage().equals("failure nobody joins")), "" + failures);
    }

    @Test
    void defaultHandlerLogsAndKeepsGoing() {
        int v = Fibers.run(RunOptions.builder().parallelism(1).build(), () -> {
            Fiber<Void> f = Fibers.spawn(() -> {
                throw new RuntimeException("expected in this test: logged by the default handler");
            });
            assertThrows(FiberFailedException.class, f::join);
            return 3;
        });
        assertEquals(3, v);
    }

    @Test
    void cancelWakesASleepingFiberWithCancellation() {
        Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            AtomicReference<Boolean> interruptFlag = new AtomicReference<>();
            Fiber<Void> sleeper = Fibers.spawn(() -> {
                try {
                    Fibers.sleep(Duration.ofSeconds(60));
                } catch (FiberCancelledException e) {
                    interruptFlag.set(Thread.currentThread().isInterrupted());
                    throw e;
                }
            });
            Fibers.sleep(Duration.ofMillis(20));
            assertTrue(sleeper.cancel());
            assertThrows(FiberCancelledException.class, sleeper::join);
            assertTrue(sleeper.isCancelled());
            assertEquals(Boolean.TRUE, interruptFlag.get(), "interrupt status stays set");
            assertFalse(sleeper.cancel(), "cancelling a finished fiber is a no-op");
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (totalTimers() > 0 && System.nanoTime() - until < 0) {
                Fibers.sleep(Duration.ofMillis(1));
            }
            assertEquals(0, totalTimers(), "the cancelled sleep left no timer entry");
            return null;
        });
    }

    private static int totalTimers() {
        int n = 0;
        for (Scheduler s : Scheduler.current().peers()) {
            n += s.pendingTimers();
        }
        return n;
    }

    @Test
    void joinFromAPlainThreadBlocksUntilDone() throws Exception {
        try (Scheduler s = Scheduler.create(1)) {
            Thread loop = new Thread(() -> s.run(() -> false));
            loop.start();
            Fiber<Integer> f = Fibers.spawn(() -> {
                Fibers.sleep(Duration.ofMillis(50));
                return 9;
            }, s, false);
            assertEquals(9, f.join());
            s.close();
            loop.join(10_000);
            assertFalse(loop.isAlive());
        }
    }

    @Test
    void onDoneCallbacksRunOnceEvenWhenAddedLate() {
        AtomicInteger calls = new AtomicInteger();
        Fibers.run(() -> {
            Fiber<Void> f = Fibers.spawn(() -> Fibers.sleep(Duration.ofMillis(10)));
            f.onDone(calls::incrementAndGet);
            f.join();
            f.onDone(calls::incrementAndGet);
            return null;
        });
        assertEquals(2, calls.get());
    }

    @Test
    void yieldLetsEveryOtherRunnableFiberGoFirst() {
        List<String> order = new CopyOnWriteArrayList<>();
        Fibers.run(RunOptions.builder().parallelism(1).build(), () -> {
            Fiber<Void> a = Fibers.spawn(() -> {
                order.add("a1");
                Fibers.yieldNow();
                order.add("a2");
            });
            Fiber<Void> b = Fibers.spawn(() -> {
                order.add("b1");
                Fibers.yieldNow();
                order.add("b2");
            });
            a.join();
            b.join();
            return null;
        });
        assertEquals(List.of("a1", "b1", "a2", "b2"), order);
    }
}
