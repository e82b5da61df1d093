package org.fibers.operations;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.fibers.Fiber;
import org.fibers.FiberCancelledException;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.channels.Channel;
import org.fibers.timers.Timers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Interrupting (cancelling) a performer: withdraw, throw, leave the interrupt status set. */
@Timeout(30)
class CancellationTest {

    /** Runs body on a new platform thread; completes with its value or its exception. */
    private static <T> CompletableFuture<Object> onThread(Thread[] holder, java.util.function.Supplier<T> body) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        holder[0] = new Thread(() -> {
            try {
                Object v = body.get();
                result.complete(new Object[] {v, Thread.currentThread().isInterrupted()});
            } catch (Throwable t) {
                result.complete(new Object[] {t, Thread.currentThread().isInterrupted()});
            }
        });
        holder[0].start();
        return result;
    }

    private static void awaitParked(Thread t) {
        await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(5)).until(() -> t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING);
    }

    @Test
    void anInterruptedReceiverWithdrawsAndConsumesNothing() throws Exception {
        Channel<String> ch = new Channel<>();
        Thread[] t = new Thread[1];
        CompletableFuture<Object> f = onThread(t, ch::get);
        awaitParked(t[0]);
        t[0].interrupt();
        Object[] r = (Object[]) f.get(5, TimeUnit.SECONDS);
        assertInstanceOf(FiberCancelledException.class, r[0]);
        assertEquals(true, r[1], "interrupt status left set");
        // Its withdrawn get must not take this message.
        assertEquals("timeout", OperationTest.orTimeout(ch.putOperation("x")));
    }

    @Test
    void anInterruptedSenderDeliversNothing() throws Exception {
        Channel<String> ch = new Channel<>();
        Thread[] t = new Thread[1];
        CompletableFuture<Object> f = onThread(t, () -> {
            ch.put("never delivered");
            return "returned";
        });
        awaitParked(t[0]);
        t[0].interrupt();
        Object[] r = (Object[]) f.get(5, TimeUnit.SECONDS);
        assertInstanceOf(FiberCancelledException.class, r[0]);
        assertEquals(true, r[1]);
        assertEquals("timeout", OperationTest.orTimeout(ch.getOperation()));
    }

    @Test
    void aChoiceWithdrawsEveryBranchAndFiresItsNacks() throws Exception {
        Channel<String> a = new Channel<>();
        Channel<String> b = new Channel<>();
        AtomicReference<Operation<Void>> nack = new AtomicReference<>();
        Thread[] t = new Thread[1];
        CompletableFuture<Object> f = onThread(t, () -> Operation.choice(
                a.getOperation(),
                Operation.withNack(n -> {
                    nack.set(n);
                    return b.putOperation("b").wrap(v -> "put");
                })).perform());
        awaitParked(t[0]);
        t[0].interrupt();
        assertInstanceOf(FiberCancelledException.class, ((Object[]) f.get(5, TimeUnit.SECONDS))[0]);
        nack.get().perform();
        assertEquals("timeout", OperationTest.orTimeout(a.putOperation("x")));
        assertEquals("timeout", OperationTest.orTimeout(b.getOperation()));
    }

    @Test
    void aValueCommittedBeforeTheInterruptIsKeptAndTheStatusStaysSet() throws Exception {
        // A base operation whose waiter we complete by hand, in two steps, around the interrupt.
        AtomicReference<OpState> state = new AtomicReference<>();
        AtomicReference<Resumer<? super String>> resumer = new AtomicReference<>();
        Operation<String> op = Operation.<String>base(() -> BaseOperation.NOT_READY, (s, r) -> {
            resumer.set(r);
            state.set(s);
            return null;
        });
        Thread[] t = new Thread[1];
        CompletableFuture<Object> f = onThread(t, op::perform);
        await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(5)).until(() -> state.get() != null);
        assertTrue(state.get().trySync());      // committed: the value now belongs to the performer
        t[0].interrupt();
        Thread.sleep(20);                       // it sees the interrupt, fails to withdraw, waits
        resumer.get().resume("kept");
        Object[] r = (Object[]) f.get(5, TimeUnit.SECONDS);
        assertEquals("kept", r[0]);
        assertEquals(true, r[1], "completes normally, interrupt status still set");
    }

    @Test
    void aReadyOperationCompletesEvenWhenAlreadyInterrupted() {
        Thread.currentThread().interrupt();
        try {
            assertEquals(1, Operation.always(1).perform());
            assertTrue(Thread.currentThread().isInterrupted());
            assertThrows(FiberCancelledException.class, () -> new Channel<String>().get());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aCancelledFiberWithdrawsItsWaitersAndItsTimer() {
        String r = Fibers.run(RunOptions.builder().parallelism(1).build(), () -> {
            Channel<String> ch = new Channel<>();
            Fiber<String> waiter = Fibers.spawn(() -> Operation.choice(ch.getOperation(),
                    Timers.sleepOperation(Duration.ofHours(1)).wrap(v -> "timeout")).perform());
            while (waiter.state() != Fiber.State.SUSPENDED) {
                Fibers.yieldNow();
            }
            int timers = org.fibers.scheduler.Scheduler.current().pendingTimers();
            waiter.cancel();
            FiberCancelledException e = assertThrows(FiberCancelledException.class, waiter::join);
            assertTrue(timers >= 1, "the sleep branch armed a timer");
            assertEquals(0, org.fibers.scheduler.Scheduler.current().pendingTimers(), "timer withdrawn");
            Fiber<String> later = Fibers.spawn(ch::get);
            ch.put("for the live receiver");
            return later.join() + "/" + e.getClass().getSimpleName();
        });
        assertEquals("for the live receiver/FiberCancelledException", r);
    }
}
