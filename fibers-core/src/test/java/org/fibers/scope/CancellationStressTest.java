package org.fibers.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.fibers.Fiber;
import org.fibers.FiberCancelledException;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.channels.Channel;
import org.fibers.operations.Operation;
import org.fibers.scheduler.Scheduler;
import org.junit.jupiter.api.Test;

/**
 * Cancels random producers and consumers of a running channel network spread over four
 * schedulers, and checks exact accounting: every message whose put returned (delivered) was
 * received exactly once, and no other message was received.
 */
class CancellationStressTest {
    private static final int WORKERS = 16;
    private static final long RUN_NANOS = Duration.ofSeconds(3).toNanos();

    @Test
    void cancellingRandomFibersNeverLosesOrDuplicatesAMessage() {
        Set<Long> delivered = ConcurrentHashMap.newKeySet();
        Set<Long> received = ConcurrentHashMap.newKeySet();
        AtomicLong duplicates = new AtomicLong();
        AtomicLong cancellations = new AtomicLong();
        AtomicLong nextId = new AtomicLong();
        Fibers.run(RunOptions.builder().parallelism(4).build(), () -> {
            Scheduler main = Scheduler.current();
            List<Channel<Long>> channels = List.of(new Channel<>(), new Channel<>(), new Channel<>());
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReferenceArray<Fiber<?>> producers = new AtomicReferenceArray<>(WORKERS);
            AtomicReferenceArray<Fiber<?>> consumers = new AtomicReferenceArray<>(WORKERS);
            Runnable produce = () -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (!stop.get()) {
                    long id = nextId.incrementAndGet();
                    try {
                        if (rnd.nextBoolean()) {
                            channels.get(rnd.nextInt(channels.size())).put(id);
                        } else { // a choice of puts: exactly one of them may commit
                            Operation.choice(channels.get(0).putOperation(id), channels.get(1).putOperation(id),
                                    channels.get(2).putOperation(id)).perform();
                        }
                    } catch (FiberCancelledException e) {
                        return; // not delivered
                    }
                    delivered.add(id); // put returned: the message was delivered
                    if (Thread.currentThread().isInterrupted()) {
                        return; // cancelled after a committed put: the put still counts
                    }
                }
            };
            Runnable consume = () -> {
                Operation<Long> any = Operation.choice(channels.get(0).getOperation(),
                        channels.get(1).getOperation(), channels.get(2).getOperation());
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (true) {
                    Long id;
                    try {
                        id = rnd.nextBoolean() ? any.perform() : channels.get(rnd.nextInt(channels.size())).get();
                    } catch (FiberCancelledException e) {
                        return;
                    }
                    if (!received.add(id)) {
                        duplicates.incrementAndGet();
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        return;
                    }
                }
            };
            for (int i = 0; i < WORKERS; i++) {
                producers.set(i, Fibers.spawn(produce, main, true));
                consumers.set(i, Fibers.spawn(consume, main, true));
            }
            long end = System.nanoTime() + RUN_NANOS;
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (System.nanoTime() - end < 0) {
                Fibers.sleep(Duration.ofMillis(1));
                int k = rnd.nextInt(WORKERS);
                boolean producer = rnd.nextBoolean();
                AtomicReferenceArray<Fiber<?>> pool = producer ? producers : consumers;
                if (pool.get(k).cancel()) {
                    cancellations.incrementAndGet();
                }
                pool.set(k, Fibers.spawn(producer ? produce : consume, main, true));
            }
            stop.set(true);
            for (int i = 0; i < WORKERS; i++) {
                producers.get(i).cancel();
            }
            List<Fiber<?>> all = new ArrayList<>();
            for (int i = 0; i < WORKERS; i++) {
                all.add(producers.get(i));
            }
            for (Fiber<?> f : all) {
                try {
                    f.join();
                } catch (FiberCancelledException expected) {
                    // a cancelled producer
                }
            }
            // Consumers may still hold nothing in flight: every put that returned was matched by
            // a get that returned. Let the consumers record, then run's end cancels them.
            Fibers.sleep(Duration.ofMillis(50));
            return null;
        });
        assertTrue(cancellations.get() > 100, "fibers were really cancelled: " + cancellations.get());
        assertTrue(delivered.size() > 1000, "messages flowed: " + delivered.size());
        assertEquals(0, duplicates.get(), "no message was received twice");
        assertEquals(delivered, received, "received exactly the delivered messages");
    }
}
