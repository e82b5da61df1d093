package org.fibers.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.operations.Operation;
import org.fibers.scheduler.Scheduler;
import org.fibers.timers.Timers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * Producers and consumers, fibers on four schedulers and plain threads, on a channel that is
 * closed half-way: every message whose send returned normally is received exactly once, every
 * refused one never, and every consumer sees the end. Sends and receives mix plain calls,
 * choices with a timeout, and non-blocking attempts. Bounded by message count and a timeout.
 */
class ChannelCloseStressTest {
    private static final RunOptions FOUR = RunOptions.builder().parallelism(4).build();

    /** The operations of one channel kind, as the test drives them. */
    private record Ends(Consumer<Integer> put, Function<Integer, Operation<Void>> putOp, Supplier<Optional<Integer>> tryGet,
                        Operation<Optional<Integer>> getOrEnd, Runnable close) {
    }

    private static Ends ends(int capacity) {
        if (capacity == 0) {
            Channel<Integer> ch = new Channel<>();
            return new Ends(ch::put, ch::putOperation, ch::tryGet, ch.getOrEndOperation(), ch::close);
        }
        BufferedChannel<Integer> ch = new BufferedChannel<>(capacity);
        return new Ends(ch::put, ch::putOperation, ch::tryGet, ch.getOrEndOperation(), ch::close);
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1, 16})
    @Timeout(60)
    void closeHalfWayLosesAndDuplicatesNothing(int capacity) throws Exception {
        int fiberProducers = 6;
        int threadProducers = 2;
        int fiberConsumers = 4;
        int threadConsumers = 2;
        int perProducer = 20_000;
        int total = (fiberProducers + threadProducers) * perProducer;
        Ends ends = ends(capacity);
        AtomicIntegerArray sent = new AtomicIntegerArray(total);
        AtomicIntegerArray seen = new AtomicIntegerArray(total);
        LongAdder received = new LongAdder();
        LongAdder ended = new LongAdder();
        List<Thread> threads = new ArrayList<>();

        Fibers.run(FOUR, () -> {
            Scheduler here = Scheduler.current();
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (int p = 0; p < fiberProducers + threadProducers; p++) {
                int base = p * perProducer;
                boolean withTimeout = p % 2 == 1;
                Runnable produce = () -> {
                    try {
                        for (int k = 0; k < perProducer; k++) {
                            if (!withTimeout) {
                                ends.put.accept(base + k);
                            } else if (!Operation.choice(ends.putOp.apply(base + k).wrap(v -> true),
                                    Timers.sleepOperation(Duration.ofMillis(1)).wrap(v -> false)).perform()) {
                                k--;                // timed out: not sent; send it again
                                continue;
                            }
                            sent.set(base + k, 1);  // the send returned: it must arrive
                        }
                    } catch (ChannelClosedException refused) {
                        // closed: this and the remaining messages were not sent
                    }
                };
                if (p < fiberProducers) {
                    fibers.add(Fibers.spawn(produce, here, true));
                } else {
                    threads.add(Thread.ofPlatform().start(produce));
                }
            }
            for (int c = 0; c < fiberConsumers + threadConsumers; c++) {
                int style = c % 3;
                Runnable consume = () -> {
                    for (;;) {
                        Optional<Integer> m = switch (style) {
                            case 0 -> ends.getOrEnd.perform();
                            case 1 -> Operation.choice(ends.getOrEnd.wrap(Optional::of),
                                            Timers.sleepOperation(Duration.ofMillis(1)).wrap(v -> Optional.<Optional<Integer>>empty()))
                                    .perform().orElseGet(() -> Optional.of(-1));
                            default -> tryOrWait(ends);
                        };
                        if (m.isEmpty()) {
                            ended.increment();
                            return;
                        }
                        int v = m.get();
                        if (v >= 0) {
                            seen.incrementAndGet(v);
                            received.increment();
                        }
                    }
                };
                if (c < fiberConsumers) {
                    fibers.add(Fibers.spawn(consume, here, true));
                } else {
                    threads.add(Thread.ofPlatform().start(consume));
                }
            }
            while (received.sum() < total / 2) {
                Fibers.sleep(Duration.ofMillis(1));
            }
            ends.close.run();                   // producers and consumers are mid-flight
            for (Fiber<Void> f : fibers) {
                f.join();
            }
            return null;
        });
        for (Thread t : threads) {
            t.join();
        }
        int delivered = 0;
        for (int i = 0; i < total; i++) {
            assertEquals(sent.get(i), seen.get(i), "message " + i + ": sent vs received");
            delivered += seen.get(i);
        }
        assertTrue(delivered >= total / 2, "delivered " + delivered);
        assertEquals(fiberConsumers + threadConsumers, ended.sum(), "every consumer saw the end");
    }

    /** A non-blocking attempt first, then a blocking receive: the end is seen by either. */
    private static Optional<Integer> tryOrWait(Ends ends) {
        try {
            Optional<Integer> m = ends.tryGet.get();
            if (m.isPresent()) {
                return m;
            }
        } catch (ChannelClosedException end) {
            return Optional.empty();
        }
        if (ThreadLocalRandom.current().nextInt(8) == 0) {
            Thread.yield();
        }
        return ends.getOrEnd.perform();
    }
}
