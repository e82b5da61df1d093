package org.fibers.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.channels.Channel;
import org.fibers.timers.Timers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class OperationTest {
    private static final Duration SHORT = Duration.ofMillis(30);

    /** Performs op with a timeout; returns "timeout" if the timer won. */
    static Object orTimeout(Operation<?> op) {
        return Operation.<Object>choice(op, Timers.sleepOperation(SHORT).wrap(v -> "timeout")).perform();
    }

    @Test
    void wrapAppliesItsFunctionAndComposes() {
        Operation<Integer> op = Operation.always(2).wrap(x -> x * 3).wrap(x -> x + 1);
        assertEquals(7, op.perform());
        assertEquals(7, op.perform());
    }

    @Test
    void wrapRunsInThePerformingThreadAfterBlocking() throws Exception {
        Channel<String> ch = new Channel<>();
        AtomicReference<Thread> ranIn = new AtomicReference<>();
        Thread sender = new Thread(() -> ch.put("hi"));
        Operation<String> op = ch.getOperation().wrap(s -> {
            ranIn.set(Thread.currentThread());
            return s + "!";
        });
        sender.start();
        assertEquals("hi!", op.perform());
        assertSame(Thread.currentThread(), ranIn.get());
        sender.join();
    }

    @Test
    void choiceTakesTheReadyBranch() {
        Channel<String> idle = new Channel<>();
        assertEquals("x", Operation.choice(idle.getOperation(), Operation.always("x")).perform());
        assertEquals(1, Operation.choice(Operation.never(), Operation.always(1)).perform());
    }

    @Test
    void choiceStartsFromARandomBranchSoEveryReadyBranchIsChosen() {
        Operation<Integer> op = Operation.choice(Operation.always(0), Operation.always(1), Operation.always(2));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 500 && seen.size() < 3; i++) {
            seen.add(op.perform());
        }
        assertEquals(Set.of(0, 1, 2), seen);
    }

    @Test
    void nestedChoicesAndWrapsFlatten() {
        Channel<Integer> a = new Channel<>();
        Operation<String> op = Operation.choice(
                Operation.choice(a.getOperation().wrap(i -> "a"), Operation.never()),
                Operation.always(5).wrap(i -> "five")).wrap(s -> s.toUpperCase());
        assertEquals("FIVE", op.perform());
    }

    @Test
    void emptyChoiceNeverCompletes() {
        assertEquals("timeout", orTimeout(Operation.choice()));
        assertEquals("timeout", orTimeout(Operation.never()));
    }

    @Test
    void blockedChoiceCompletesThroughOneBranchAndTheOtherLeavesNoTrace() throws Exception {
        Channel<String> a = new Channel<>();
        Channel<String> b = new Channel<>();
        Thread sender = new Thread(() -> b.put("from b"));
        sender.start();
        assertEquals("from b", Operation.choice(a.getOperation(), b.getOperation()).perform());
        sender.join();
        // The stale get on a must not take a later message: nobody receives this put.
        assertEquals("timeout", orTimeout(a.putOperation("lost?")));
    }

    @Test
    void guardBuildsItsOperationAtEachPerform() {
        AtomicInteger built = new AtomicInteger();
        Operation<Integer> op = Operation.guard(() -> Operation.always(built.incrementAndGet()));
        assertEquals(0, built.get());
        assertEquals(1, op.perform());
        assertEquals(2, op.perform());
        assertEquals(30, op.wrap(x -> x * 10).perform());
        assertEquals(4, Operation.choice(op, Operation.never()).perform());
    }

    @Test
    void withNackFiresWhenAnotherBranchWins() {
        AtomicReference<Operation<Void>> nack = new AtomicReference<>();
        Operation<String> op = Operation.choice(
                Operation.withNack(n -> {
                    nack.set(n);
                    return Operation.<String>never();
                }),
                Operation.always("other"));
        assertEquals("other", op.perform());
        assertEquals("nacked", orTimeout(nack.get().wrap(v -> "nacked")));
    }

    @Test
    void withNackStaysQuietWhenItsBranchWins() {
        AtomicReference<Operation<Void>> nack = new AtomicReference<>();
        Operation<Integer> op = Operation.choice(
                Operation.<Integer>withNack(n -> {
                    nack.set(n);
                    return Operation.always(1);
                }).wrap(x -> x + 1),
                Operation.never());
        assertEquals(2, op.perform());
        assertEquals("timeout", orTimeout(nack.get()));
    }

    @Test
    void withNackFiresAfterBlockingWhenTheOtherBranchCompletes() throws Exception {
        Channel<String> a = new Channel<>();
        Channel<String> b = new Channel<>();
        AtomicReference<Operation<Void>> nack = new AtomicReference<>();
        Thread sender = new Thread(() -> b.put("b"));
        sender.start();
        Operation<String> op = Operation.choice(Operation.withNack(n -> {
            nack.set(n);
            return a.getOperation();
        }), b.getOperation());
        assertEquals("b", op.perform());
        sender.join();
        nack.get().perform();   // ready: returns at once
    }

    @Test
    void aThrowingGuardAbandonsThePerformAndFiresNacks() {
        AtomicReference<Operation<Void>> nack = new AtomicReference<>();
        Operation<Object> op = Operation.choice(
                Operation.withNack(n -> {
                    nack.set(n);
                    return Operation.never();
                }),
                Operation.guard(() -> {
                    throw new IllegalStateException("boom");
                }));
        assertThrows(IllegalStateException.class, op::perform);
        nack.get().perform();
    }

    @Test
    void aThrowingTryFunctionFiresNacksToo() {
        AtomicReference<Operation<Void>> nack = new AtomicReference<>();
        Operation<Object> failing = Operation.base(() -> {
            throw new IllegalStateException("try failed");
        }, (state, resume) -> null);
        Operation<Object> op = Operation.choice(Operation.withNack(n -> {
            nack.set(n);
            return Operation.never();
        }), failing);
        assertThrows(IllegalStateException.class, op::perform);
        assertEquals("nacked", orTimeout(nack.get().wrap(v -> "nacked")));
    }

    @Test
    void anExceptionFromAWrapPropagatesToThePerformer() {
        Operation<Integer> op = Operation.always(1).wrap(x -> {
            throw new ArithmeticException("wrapped");
        });
        assertEquals("wrapped", assertThrows(ArithmeticException.class, op::perform).getMessage());
    }

    @Test
    void combinatorsWorkInsideFibers() {
        String r = Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            Channel<Integer> ch = new Channel<>();
            AtomicReference<Operation<Void>> nack = new AtomicReference<>();
            Fiber<Void> sender = Fibers.spawn(() -> ch.put(41));
            int v = Operation.choice(
                    Operation.withNack(n -> {
                        nack.set(n);
                        return Timers.sleepOperation(Duration.ofHours(1)).wrap(x -> -1);
                    }),
                    Operation.guard(() -> ch.getOperation().wrap(x -> x + 1))).perform();
            sender.join();
            nack.get().perform();
            return v + ":" + orTimeout(Operation.never());
        });
        assertEquals("42:timeout", r);
    }

    /**
     * A counting semaphore written with Operation.base, as a user of the low-level API would:
     * acquire is a base operation; release hands a permit to the oldest live waiter.
     */
    static final class Semaphore {
        private record Waiter(OpState state, Resumer<? super Integer> resume) {
        }

        private final AtomicInteger permits = new AtomicInteger();
        private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
        private final AtomicInteger serial = new AtomicInteger();

        /** Yields a serial number per acquisition. */
        Operation<Integer> acquire() {
            return Operation.<Integer, Integer>base(Math::abs, () -> {
                for (int p = permits.get(); p > 0; p = permits.get()) {
                    if (permits.compareAndSet(p, p - 1)) {
                        return serial.incrementAndGet();
                    }
                }
                return BaseOperation.NOT_READY;
            }, (state, resume) -> {
                Waiter w = new Waiter(state, resume);
                waiters.add(w);
                release(0);                     // a permit may have come since our try
                return () -> waiters.remove(w); // withdrawn eagerly when another branch wins
            });
        }

        void release(int n) {
            permits.addAndGet(n);
            for (Waiter w; permits.get() > 0 && (w = waiters.peek()) != null; ) {
                if (permits.getAndDecrement() <= 0) {
                    permits.incrementAndGet();
                    return;
                }
                waiters.remove(w);
                if (w.state().trySync()) {
                    w.resume().resume(serial.incrementAndGet());
                } else {
                    permits.incrementAndGet();  // stale waiter: keep the permit
                }
            }
        }
    }

    @Test
    void baseOperationsBuiltByUsersComposeLikeTheBuiltInOnes() throws Exception {
        Semaphore sem = new Semaphore();
        assertEquals("timeout", orTimeout(sem.acquire()));
        assertTrue(sem.waiters.isEmpty(), "the losing branch withdrew its waiter");
        sem.release(1);
        assertEquals(1, sem.acquire().perform());
        Thread releaser = new Thread(() -> sem.release(1));
        releaser.start();
        assertEquals(2, Operation.choice(sem.acquire(), Operation.never()).perform());
        releaser.join();
        int total = Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            AtomicInteger acquired = new AtomicInteger();
            Fiber<?>[] fibers = new Fiber<?>[20];
            for (int i = 0; i < fibers.length; i++) {
                fibers[i] = Fibers.spawn(() -> {
                    sem.acquire().perform();
                    acquired.incrementAndGet();
                });
            }
            sem.release(fibers.length);
            for (Fiber<?> f : fibers) {
                f.join();
            }
            return acquired.get();
        });
        assertEquals(20, total);
        assertFalse(sem.permits.get() > 0);
    }
}
