package org.fibers.channels;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.operations.Operation;
import org.fibers.timers.Timers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ChannelTest {
    private static final RunOptions TWO = RunOptions.builder().parallelism(2).build();

    static Object orTimeout(Operation<?> op) {
        return Operation.<Object>choice(op, Timers.sleepOperation(Duration.ofMillis(30)).wrap(v -> "timeout")).perform();
    }

    @Test
    void plainThreadsRendezvousInBothOrders() throws Exception {
        Channel<Integer> ch = new Channel<>();
        Thread sender = new Thread(() -> ch.put(1));
        sender.start();
        assertEquals(1, ch.get());                   // whichever arrives first waits
        sender.join();
        List<Integer> got = new ArrayList<>();
        Thread receiver = new Thread(() -> got.add(ch.get()));
        receiver.start();
        await().pollInterval(Duration.ofMillis(1)).until(() -> ch.waitingParties() == 1);
        ch.put(2);
        receiver.join();
        assertEquals(List.of(2), got);
    }

    @Test
    void nullIsAMessageLikeAnyOther() throws Exception {
        Channel<String> ch = new Channel<>();
        Thread sender = new Thread(() -> ch.put(null));
        sender.start();
        assertNull(ch.get());
        sender.join();
    }

    @Test
    void waitingSendersAreServedInArrivalOrder() throws Exception {
        Channel<Integer> ch = new Channel<>();
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            Thread t = new Thread(() -> ch.put(n));
            t.start();
            senders.add(t);
            await().pollInterval(Duration.ofMillis(1)).until(() -> ch.waitingParties() == n + 1);
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(i, ch.get());
        }
        for (Thread t : senders) {
            t.join();
        }
    }

    @Test
    void waitingReceiversAreServedInArrivalOrder() throws Exception {
        Channel<Integer> ch = new Channel<>();
        int[] got = new int[5];
        List<Thread> receivers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            Thread t = new Thread(() -> got[n] = ch.get());
            t.start();
            receivers.add(t);
            await().pollInterval(Duration.ofMillis(1)).until(() -> ch.waitingParties() == n + 1);
        }
        for (int i = 0; i < 5; i++) {
            ch.put(i * 10);
        }
        for (Thread t : receivers) {
            t.join();
        }
        assertEquals(List.of(0, 10, 20, 30, 40), List.of(got[0], got[1], got[2], got[3], got[4]));
    }

    @Test
    void aChoiceNeverRendezvousesWithItself() {
        Channel<Integer> ch = new Channel<>();
        Operation<Object> putOrGet = Operation.choice(ch.putOperation(1).wrap(v -> "put"), ch.getOperation());
        assertEquals("timeout", orTimeout(putOrGet));
        assertEquals("timeout", Fibers.run(TWO, () -> orTimeout(putOrGet)));
    }

    @Test
    void twoFibersOfferingPutOrGetPairUpEveryTime() {
        int rounds = 2000;
        int[] counts = Fibers.run(TWO, () -> {
            Channel<Integer> ch = new Channel<>();
            AtomicInteger puts = new AtomicInteger();
            AtomicInteger gets = new AtomicInteger();
            Runnable side = () -> {
                for (int i = 0; i < rounds; i++) {
                    int r = Operation.choice(ch.putOperation(7).wrap(v -> 0), ch.getOperation()).perform();
                    (r == 0 ? puts : gets).incrementAndGet();
                    assertTrue(r == 0 || r == 7);
                }
            };
            Fiber<Void> a = Fibers.spawn(side, org.fibers.scheduler.Scheduler.current(), true);
            Fiber<Void> b = Fibers.spawn(side, org.fibers.scheduler.Scheduler.current(), true);
            a.join();
            b.join();
            return new int[] {puts.get(), gets.get()};
        });
        assertEquals(rounds, counts[0]);
        assertEquals(rounds, counts[1]);
    }

    /** Guile tests/channels.scm "rpc": a fiber computes a value and sends it back. */
    static <T> T rpc(java.util.function.Supplier<T> body) {
        Channel<T> reply = new Channel<>();
        Fibers.spawn(() -> reply.put(body.get()));
        return reply.get();
    }

    static int rpcFib(int n) {
        return rpc(() -> n < 2 ? 1 : rpcFib(n - 1) + rpcFib(n - 2));
    }

    @Test
    void rpcBetweenFibers() {
        assertEquals(1, Fibers.run(TWO, () -> rpc(() -> 1)));
        // ~22k fibers, each answering over its own channel (Guile runs rpc-fib 24).
        assertEquals(10946, Fibers.run(TWO, () -> rpcFib(20)));
    }

    /** Guile's "pingpong": M parallel clients send N requests each, with a fresh reply channel. */
    @Test
    void pingPongAcrossCpus() {
        int m = 4;
        int n = 1000;
        long served = Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            Channel<Channel<String>> requests = new Channel<>();
            List<Fiber<Void>> clients = new ArrayList<>();
            for (int i = 0; i < m; i++) {
                clients.add(Fibers.spawn(() -> {
                    for (int k = 0; k < n; k++) {
                        Channel<String> reply = new Channel<>();
                        requests.put(reply);
                        assertEquals("foo", reply.get());
                    }
                }, org.fibers.scheduler.Scheduler.current(), true));
            }
            long count = 0;
            for (int k = 0; k < m * n; k++) {
                requests.get().put("foo");
                count++;
            }
            for (Fiber<Void> c : clients) {
                c.join();
            }
            return count;
        });
        assertEquals((long) m * n, served);
    }

    @Test
    void fibersAndPlainThreadsTalkBothWays() throws Exception {
        Channel<Integer> toThread = new Channel<>();
        Channel<Integer> toFiber = new Channel<>();
        Thread echo = new Thread(() -> {
            for (int i = 0; i < 1000; i++) {
                toFiber.put(toThread.get() + 1);
            }
        });
        echo.start();
        int last = Fibers.run(TWO, () -> {
            int v = 0;
            for (int i = 0; i < 1000; i++) {
                toThread.put(v);
                v = toFiber.get();
            }
            return v;
        });
        echo.join();
        assertEquals(1000, last);
    }

    @Test
    void operationsAreReusableDescriptions() {
        Channel<Integer> ch = new Channel<>();
        Operation<Integer> get = ch.getOperation();
        Operation<Void> put = ch.putOperation(5);
        int sum = Fibers.run(TWO, () -> {
            Fiber<Void> sender = Fibers.spawn(() -> {
                for (int i = 0; i < 100; i++) {
                    put.perform();
                }
            });
            int s = 0;
            for (int i = 0; i < 100; i++) {
                s += get.perform();
            }
            sender.join();
            return s;
        });
        assertEquals(500, sum);
    }
}
