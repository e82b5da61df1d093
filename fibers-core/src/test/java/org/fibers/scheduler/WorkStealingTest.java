package org.fibers.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.channels.Channel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkStealingTest {
    /** CPU work that the JIT cannot drop. */
    static long burn(int rounds) {
        long x = rounds;
        for (int i = 0; i < rounds; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }

    @Test
    void imbalancedLoadMovesToIdlePeers() {
        Map<Thread, Integer> perCarrier = new ConcurrentHashMap<>();
        AtomicLong sink = new AtomicLong();
        long stolen = Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            Scheduler main = Scheduler.current();
            List<Fiber<Void>> fibers = new ArrayList<>();
            // every fiber is spawned on the main scheduler (parallel = false): only stealing spreads them
            for (int i = 0; i < 4000; i++) {
                fibers.add(Fibers.spawn(() -> {
                    for (int k = 0; k < 5; k++) {
                        sink.addAndGet(burn(2000));
                        perCarrier.merge(Scheduler.current().kernelThread(), 1, Integer::sum);
                        Fibers.yieldNow();
                    }
                }, main, false));
            }
            for (Fiber<Void> f : fibers) {
                f.join();
            }
            return StealCount.inGroupOf(main);
        });
        assertTrue(stolen > 0, "some tasks were stolen");
        assertEquals(2, perCarrier.size(), "both carriers ran fibers: " + perCarrier);
        int total = perCarrier.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(4000 * 5, total);
        for (int n : perCarrier.values()) {
            assertTrue(n > total / 20, "each carrier ran a real share: " + perCarrier);
        }
    }

    @Test
    void parallelSpawnSharesWorkAmongPeers() {
        Map<Scheduler, Integer> perScheduler = new ConcurrentHashMap<>();
        Fibers.run(RunOptions.builder().parallelism(4).build(), () -> {
            Scheduler main = Scheduler.current();
            // rounds, because on a loaded machine one peer may not get a CPU within one round
            for (int round = 0; round < 50 && perScheduler.size() < 4; round++) {
                List<Fiber<?>> fibers = new ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    fibers.add(Fibers.spawn(() -> perScheduler.merge(Scheduler.current(), 1, Integer::sum), main, true));
                }
                for (Fiber<?> f : fibers) {
                    f.join();
                }
            }
            return null;
        });
        assertEquals(4, perScheduler.size(), "work reached every peer: " + perScheduler);
    }

    @Test
    void stolenFibersKeepRunningOnTheThief() {
        // A fiber that is stolen and then suspends must be resumed by its new owner.
        Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            Scheduler main = Scheduler.current();
            List<Fiber<Boolean>> fibers = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                fibers.add(Fibers.spawn(() -> {
                    burn(5000);
                    Scheduler before = Scheduler.current();
                    Fibers.sleep(java.time.Duration.ofMillis(1));
                    Fiber<?> me = Fiber.current();
                    return me.scheduler() == Scheduler.current() && before != null;
                }, main, false));
            }
            for (Fiber<Boolean> f : fibers) {
                assertTrue(f.join(), "a fiber runs on the scheduler that owns it");
            }
            return null;
        });
    }

    /**
     * A fiber that computes without ever reaching a fiber operation holds its carrier; the one
     * fiber queued behind it must still run, on the idle peer: woken by the preemption ticker
     * (hz 100), or by the idle peer's own periodic look when there is no ticker (hz 0).
     */
    @ParameterizedTest(name = "hz {0}")
    @ValueSource(ints = {100, 0})
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aLoneFiberQueuedBehindAHogIsStolen(int hz) {
        Fibers.run(RunOptions.builder().parallelism(2).hz(hz).build(), () -> {
            Scheduler main = Scheduler.current();
            AtomicBoolean released = new AtomicBoolean();
            AtomicReference<Scheduler> hogRanOn = new AtomicReference<>();
            Fiber<Boolean> hog = Fibers.spawn(() -> {
                hogRanOn.set(Scheduler.current()); // it never yields, so it never moves
                long until = System.nanoTime() + 20_000_000_000L;
                while (!released.get() && System.nanoTime() - until < 0) {
                    burn(1000);                 // no fiber operation: never yields its carrier
                }
                return released.get();
            }, main, false);
            Fiber<Scheduler> lone = Fibers.spawn(() -> {
                released.set(true);
                return Scheduler.current();
            }, main, false);
            Scheduler ranOn = lone.join();
            assertTrue(hog.join(), "the hog was released by the lone fiber, not by its time limit");
            assertTrue(ranOn != hogRanOn.get(), "the lone fiber ran beside the hog, not after it");
            return null;
        });
    }

    /**
     * A task that queues itself while it still runs (what the JDK does for a fiber woken while
     * it parks: it resubmits the fiber on its way off the carrier) is about to run again on its
     * own carrier, so an idle peer must not take it, however long that run seems to last (the
     * carrier thread may have lost its CPU). Taking it would move one of two fibers that talk
     * onto its partner's carrier for good. Here the run lasts 30 ms on purpose, long past the
     * lone-steal patience; the preemption ticker (hz 100) wakes the idle peer to look at a
     * carrier that holds one queued task, as it does for a real hog (the test above).
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aTaskThatQueuedItselfIsNotStolenWhileItsRunEnds() throws InterruptedException {
        Scheduler home = Scheduler.create(2);
        home.setHz(100);
        try {
            home.start();
            SelfQueuingTask task = new SelfQueuingTask(home);
            task.submitFromOutside();
            assertEquals(home, task.secondRunOn.take(), "the second run stays where the task queued itself");
        } finally {
            home.close();
        }
    }

    /** Queues itself during its first run, then keeps the carrier 30 ms; records where it runs next. */
    private static final class SelfQueuingTask extends Task {
        final BlockingQueue<Scheduler> secondRunOn = new LinkedBlockingQueue<>();
        private int runs;

        SelfQueuingTask(Scheduler owner) {
            super(owner);
        }

        void submitFromOutside() {
            submit();
        }

        @Override
        protected void run() {
            if (++runs == 1) {
                submit();                       // queued behind itself on its own carrier
                long until = System.nanoTime() + 30_000_000L;
                while (System.nanoTime() - until < 0) {
                    burn(1000);
                }
            } else {
                secondRunOn.add(Scheduler.current());
            }
        }
    }

    /**
     * Two fibers that talk over channels from two schedulers keep a scheduler each: the partner
     * one of them wakes sits alone in its owner's queue for moments only, and is not stolen.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void partnersOnTwoSchedulersStayApart() {
        Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            Scheduler here = Scheduler.current();
            Scheduler there = here.remotePeers().get(0);
            Channel<Integer> ping = new Channel<>();
            Channel<Integer> pong = new Channel<>();
            int rounds = 20_000;
            Fiber<Integer> partner = Fibers.spawn(() -> {
                int elsewhere = 0;
                for (int i = 0; i < rounds; i++) {
                    pong.put(ping.get());
                    elsewhere += Scheduler.current() == there ? 0 : 1;
                }
                return elsewhere;
            }, there, false);
            int driverElsewhere = 0;
            for (int i = 0; i < rounds; i++) {
                ping.put(i);
                assertEquals(i, pong.get());
                driverElsewhere += Scheduler.current() == here ? 0 : 1;
            }
            assertEquals(0, partner.join(), "round trips the partner ran off its scheduler");
            assertEquals(0, driverElsewhere, "round trips the driver ran off its scheduler");
            return null;
        });
    }
}
