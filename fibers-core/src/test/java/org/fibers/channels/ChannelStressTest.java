package org.fibers.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.fibers.Fiber;
import org.fibers.FiberCancelledException;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.conditions.Condition;
import org.fibers.operations.Operation;
import org.fibers.scheduler.Scheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many senders and receivers, fibers on four schedulers and plain threads: every message is
 * received exactly once. Bounded by message count and by a per-test timeout.
 */
class ChannelStressTest {
    private static final RunOptions FOUR = RunOptions.builder().parallelism(4).build();

    /** Counts deliveries per message id; checks each id [0, n) arrived exactly once. */
    private static void assertExactlyOnce(AtomicIntegerArray seen, int n, long count, long sum) {
        assertEquals(n, count, "messages received");
        assertEquals((long) n * (n - 1) / 2, sum, "sum of message ids");
        for (int i = 0; i < n; i++) {
            assertEquals(1, seen.get(i), "deliveries of message " + i);
        }
    }

    /**
     * Two fibers on two schedulers bounce a message; every delivery lands while the partner is
     * busy-waiting, parking or parked. This once lost a wake-up: a deliverer's release store of
     * the result passed VirtualThread.unpark's plain read of a stale permit, the owner consumed
     * that permit, read no result and parked for good. A lost wake-up stops the bouncing for
     * good, so a watchdog fails the test when no round trip completes for 20 s; a slow machine
     * only makes it run fewer trips (up to 20 runs of 50,000, within 30 s).
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // fails even if a trip hangs
    void crossSchedulerPingPongNeverLosesAWakeUp() throws Exception {
        int rounds = 20;
        int trips = 50_000;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        AtomicLong completed = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread driver = Thread.ofPlatform().daemon().name("ping-pong-driver").start(() -> {
            try {
                for (int r = 0; r < rounds && System.nanoTime() - deadline < 0; r++) {
                    long[] echoed = Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
                        Channel<Integer> ping = new Channel<>();
                        Channel<Integer> pong = new Channel<>();
                        Scheduler other = Scheduler.current().remotePeers().get(0);
                        Fibers.spawn(() -> {
                            for (int v; (v = ping.get()) >= 0; ) {
                                pong.put(v + 1);
                            }
                        }, other, false);
                        long total = 0;
                        int i = 0;
                        for (; i < trips && System.nanoTime() - deadline < 0; i++) {
                            ping.put(i);
                            total += pong.get() - i;
                            completed.setOpaque(completed.getPlain() + 1); // only this fiber writes
                        }
                        ping.put(-1);
                        return new long[] {i, total};
                    });
                    assertEquals(echoed[0], echoed[1], "round " + r + ": every echo arrived");
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        long seen = -1;
        long lastProgress = System.nanoTime();
        while (driver.isAlive()) {
            driver.join(500);
            long now = System.nanoTime();
            long done = completed.get();
            if (done != seen) {
                seen = done;
                lastProgress = now;
            }
            assertTrue(now - lastProgress < TimeUnit.SECONDS.toNanos(20),
                    "no round trip completed for 20 s after " + done + ": a wake-up was lost");
        }
        if (failure.get() != null) {
            throw new AssertionError("the ping-pong failed", failure.get());
        }
        assertTrue(completed.get() >= trips, "at least one full run of " + trips + " trips: " + completed.get());
    }

    @Test
    @Timeout(60)
    void manyProducersAndConsumersAcrossFourSchedulersAndPlainThreads() throws Exception {
        int fiberProducers = 8;
        int threadProducers = 2;
        int fiberConsumers = 6;
        int threadConsumers = 2;
        int perProducer = 30_000;
        int total = (fiberProducers + threadProducers) * perProducer;
        int consumers = fiberConsumers + threadConsumers;
        Channel<Integer> ch = new Channel<>();
        AtomicIntegerArray seen = new AtomicIntegerArray(total);
        LongAdder count = new LongAdder();
        LongAdder sum = new LongAdder();
        List<Thread> threads = new ArrayList<>();

        Fibers.run(FOUR, () -> {
            Scheduler here = Scheduler.current();
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (int p = 0; p < fiberProducers + threadProducers; p++) {
                int base = p * perProducer;
                Runnable produce = () -> {
                    for (int k = 0; k < perProducer; k++) {
                        ch.put(base + k);
                    }
                };
                if (p < fiberProducers) {
                    fibers.add(Fibers.spawn(produce, here, true));
                } else {
                    threads.add(Thread.ofPlatform().start(produce));
                }
            }
            for (int c = 0; c < consumers; c++) {
                int quota = total / consumers + (c < total % consumers ? 1 : 0);
                Runnable consume = () -> {
                    for (int k = 0; k < quota; k++) {
                        int v = ch.get();
                        seen.incrementAndGet(v);
                        count.increment();
                        sum.add(v);
                    }
                };
                if (c < fiberConsumers) {
                    fibers.add(Fibers.spawn(consume, here, true));
                } else {
                    threads.add(Thread.ofPlatform().start(consume));
                }
            }
            for (Fiber<Void> f : fibers) {
                f.join();
            }
            return null;
        });
        for (Thread t : threads) {
            t.join();
        }
        assertExactlyOnce(seen, total, count.sum(), sum.sum());
    }

    /**
     * A receiver chooses among K channels whose senders run on four schedulers: per-channel
     * order holds, and what was sent is exactly what was received. Senders stop through a
     * condition. Every branch is chosen sometimes, but how often depends on when each sender's
     * carrier gets a core (on a loaded 2-core machine one sender can go unready for most of the
     * run), so the share of each branch is checked where every sender provably waits, below.
     */
    @Test
    @Timeout(60)
    void choiceOverKChannelsUnderContentionLosesNothing() {
        int k = 4;
        int takes = 40_000;
        long[][] result = Fibers.run(FOUR, () -> {
            Scheduler here = Scheduler.current();
            List<Channel<Integer>> chans = new ArrayList<>();
            Condition stop = new Condition();
            long[] sent = new long[k];
            List<Fiber<Void>> senders = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                Channel<Integer> ch = new Channel<>();
                chans.add(ch);
                int idx = i;
                senders.add(Fibers.spawn(() -> {
                    for (int n = 0; ; n++) {
                        boolean delivered = Operation.choice(ch.putOperation(n).wrap(v -> true),
                                stop.waitOperation().wrap(v -> false)).perform();
                        if (!delivered) {
                            return;
                        }
                        sent[idx] = n + 1;
                    }
                }, here, true));
            }
            Operation<int[]> any = anyOf(chans);
            long[] received = new long[k];
            for (int n = 0; n < takes; n++) {
                int[] r = any.perform();
                assertEquals(received[r[0]], r[1], "channel " + r[0] + " in order, nothing skipped");
                received[r[0]]++;
            }
            stop.signal();
            for (Fiber<Void> f : senders) {
                f.join();
            }
            return new long[][] {sent, received};
        });
        long total = 0;
        for (int i = 0; i < k; i++) {
            assertEquals(result[0][i], result[1][i], "channel " + i + ": sent == received");
            assertTrue(result[1][i] > 0, "branch " + i + " was never chosen");
            total += result[1][i];
        }
        assertEquals(takes, total, "every take came from one of the channels");
    }

    /**
     * When every branch of a choice is ready, each is chosen an even share of the time (the
     * choice starts its attempts at a random branch). One scheduler makes readiness certain:
     * after each take the receiver yields, the sender it woke (queued before it) loops round
     * and waits in its next put, and the receiver checks that all K senders are waiting before
     * it takes again. With fair starts a branch's share of 20,000 takes is 0.25 with a standard
     * deviation of 0.003, so the [0.2, 0.3] band cannot be left by chance.
     */
    @Test
    @Timeout(60)
    void choiceAmongReadyChannelsPicksEachAnEvenShare() {
        int k = 4;
        int takes = 20_000;
        RunOptions one = RunOptions.builder().parallelism(1).build();
        long[] received = Fibers.run(one, () -> {
            List<Channel<Integer>> chans = new ArrayList<>();
            long[] attempts = new long[1];
            List<Fiber<Void>> senders = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                Channel<Integer> ch = new Channel<>();
                chans.add(ch);
                senders.add(Fibers.spawn(() -> {
                    for (int n = 0; ; n++) {
                        attempts[0]++;          // all on one carrier: plain counts are exact
                        if (n == takes) {
                            return;             // nobody takes this many from one channel
                        }
                        ch.put(n);
                    }
                }));
            }
            Operation<int[]> any = anyOf(chans);
            long[] counts = new long[k];
            for (int n = 0; n < takes; n++) {
                Fibers.yieldNow();
                assertEquals(n + k, attempts[0], "all " + k + " senders wait in put before take " + n);
                int[] r = any.perform();
                assertEquals(counts[r[0]], r[1], "channel " + r[0] + " in order");
                counts[r[0]]++;
            }
            for (Fiber<Void> f : senders) {
                f.cancel();
            }
            return counts;
        });
        for (int i = 0; i < k; i++) {
            double share = (double) received[i] / takes;
            assertTrue(share >= 0.2 && share <= 0.3, "branch " + i + " chosen " + received[i] + " of " + takes);
        }
    }

    /** A choice over every channel's get, answering {channel index, value}. */
    private static Operation<int[]> anyOf(List<Channel<Integer>> chans) {
        List<Operation<int[]>> branches = new ArrayList<>();
        for (int i = 0; i < chans.size(); i++) {
            int idx = i;
            branches.add(chans.get(i).getOperation().wrap(v -> new int[] {idx, v}));
        }
        return Operation.choice(branches);
    }

    /**
     * Senders and receivers are interrupted at random while they wait: a cancelled put delivers
     * nothing, a cancelled get consumes nothing, so what the puts that returned sent is exactly
     * what the gets that returned received.
     */
    @Test
    @Timeout(60)
    void randomInterruptsNeverLoseOrDuplicateMessages() throws Exception {
        int perProducer = 30_000;
        int producers = 2;
        int consumers = 3;
        int total = producers * perProducer;
        Channel<Integer> ch = new Channel<>();
        Condition stop = new Condition();
        AtomicIntegerArray sent = new AtomicIntegerArray(total);
        AtomicIntegerArray seen = new AtomicIntegerArray(total);
        AtomicLong cancellations = new AtomicLong();
        List<Thread> all = new ArrayList<>();
        List<Thread> producerThreads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            Thread t = Thread.ofPlatform().start(() -> {
                for (int n = 0; n < perProducer; n++) {
                    try {
                        ch.put(base + n);
                        sent.incrementAndGet(base + n);
                    } catch (FiberCancelledException e) {
                        Thread.interrupted();
                        cancellations.incrementAndGet();
                    }
                }
            });
            producerThreads.add(t);
            all.add(t);
        }
        List<Thread> consumerThreads = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            Thread t = Thread.ofPlatform().start(() -> {
                Operation<Integer> getOrStop = Operation.choice(ch.getOperation(), stop.waitOperation().wrap(v -> -1));
                for (;;) {
                    try {
                        int v = getOrStop.perform();
                        if (v < 0) {
                            return;
                        }
                        seen.incrementAndGet(v);
                    } catch (FiberCancelledException e) {
                        Thread.interrupted();
                        cancellations.incrementAndGet();
                    }
                }
            });
            consumerThreads.add(t);
            all.add(t);
        }
        Thread interrupter = Thread.ofPlatform().start(() -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (producerThreads.stream().anyMatch(Thread::isAlive)) {
                all.get(rnd.nextInt(all.size())).interrupt();
                java.util.concurrent.locks.LockSupport.parkNanos(rnd.nextInt(20_000, 200_000));
            }
        });
        for (Thread t : producerThreads) {
            t.join();
        }
        interrupter.join();
        stop.signal();
        for (Thread t : consumerThreads) {
            t.join();
        }
        int delivered = 0;
        for (int i = 0; i < total; i++) {
            assertEquals(sent.get(i), seen.get(i), "message " + i + ": sent vs received");
            delivered += sent.get(i);
        }
        assertTrue(delivered > total / 2, "most messages got through: " + delivered);
        assertTrue(cancellations.get() > 0, "some waits were cancelled");
    }
}
