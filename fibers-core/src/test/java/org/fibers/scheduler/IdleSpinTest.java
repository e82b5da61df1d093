package org.fibers.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.channels.Channel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When an idle carrier spins and when it sleeps (see WorkSearch's notes). */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IdleSpinTest {
    /**
     * The partner takes 35 µs per reply: longer than the short idle spin (20 µs) and the
     * fiber's own spin before it parks (5 µs) together, shorter than the least spin while a peer
     * is busy (50 µs). While it works, its carrier is busy, so the driver's carrier keeps
     * spinning and catches each reply awake instead of sleeping through every round trip and
     * being woken by a system call. (With -Dfibers.maxBusyPeerSpinMicros=0, the short spin only,
     * it sleeps in about every round trip.)
     */
    @Test
    void aCarrierWaitingOnABusyPeerSpinsInsteadOfSleeping() {
        int warmUp = 20_000;                    // or 10 s, whichever ends first (a loaded machine)
        int measured = 1000;
        long[] pingAt = new long[measured];     // when the driver sent each ping
        long[] workFrom = new long[measured];   // when the partner started the reply's work
        long[] workTo = new long[measured];     // and when it ended
        boolean[] slept = new boolean[measured];
        Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            Scheduler here = Scheduler.current();
            Scheduler there = here.remotePeers().get(0);
            Channel<Integer> ping = new Channel<>();
            Channel<Integer> pong = new Channel<>();
            Fiber<Void> partner = Fibers.spawn(() -> {
                // A negative message is a warm-up round trip: answered at once; null ends.
                for (Integer v; (v = ping.get()) != null; ) {
                    if (v >= 0) {
                        workFrom[v] = System.nanoTime(); // published by the put
                        BusyWait.busyFor(Duration.ofNanos(35_000));
                        workTo[v] = System.nanoTime();
                    }
                    pong.put(v);
                }
                return null;
            }, there, false);
            long warmUpEnd = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            for (int i = 0; i < warmUp && System.nanoTime() - warmUpEnd < 0; i++) {
                ping.put(-1 - i);
                assertEquals(-1 - i, pong.get());
            }
            // Compiled by now, and the wake latency measured.
            for (int i = 0; i < measured; i++) {
                long sleepsBefore = here.sleepCount();
                pingAt[i] = System.nanoTime();
                ping.put(i);
                assertEquals(i, pong.get());
                slept[i] = here.sleepCount() != sleepsBefore;
            }
            ping.put(null);
            partner.join();
            return null;
        });
        // Only round trips where the partner's carrier was at hand count: it started the work
        // within 150 µs of the ping and kept its core through the 35 µs. On a loaded machine
        // the OS can leave a carrier off its CPU for a millisecond; the driver's carrier then
        // sees no busy peer, or outlasts its bounded spin, and rightly sleeps.
        int steady = 0;
        int steadySleeps = 0;
        for (int i = 0; i < measured; i++) {
            if (workFrom[i] - pingAt[i] < 150_000 && workTo[i] - workFrom[i] < 200_000) {
                steady++;
                steadySleeps += slept[i] ? 1 : 0;
            }
        }
        assumeTrue(steady >= measured / 10, "the partner's carrier was at hand for only " + steady + " replies of " + measured);
        assertTrue(steadySleeps < steady / 2, "the driver's carrier slept in " + steadySleeps + " of " + steady
                + " round trips while its busy peer was at hand");
    }

    /** Waking a sleeping carrier measures how long it took to run again. */
    @Test
    void wakingASleepingPeerMeasuresTheWakeLatency() {
        Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            Scheduler there = Scheduler.current().remotePeers().get(0);
            for (int i = 0; i < 20 && there.wakeLatencyNanos() == 0; i++) {
                Fibers.sleep(Duration.ofMillis(20));  // the peer has nothing to do: it sleeps
                Fibers.spawn(() -> null, there, false).join(); // the spawn wakes it
            }
            assertTrue(there.wakeLatencyNanos() > 0, "no wake latency measured");
            return null;
        });
    }

    /**
     * Two idle carriers see each other awake while both spin; neither counts as busy, so both
     * give up after the short spin and sleep, and stay asleep.
     */
    @Test
    void idleCarriersDoNotKeepEachOtherSpinning() {
        Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            Scheduler there = Scheduler.current().remotePeers().get(0);
            Fibers.spawn(() -> null, there, false).join(); // the peer ran something, then idles
            Fibers.sleep(Duration.ofMillis(100));
            long asleep = there.sleepCount();
            assertTrue(asleep >= 1, "the idle peer never went to sleep");
            Fibers.sleep(Duration.ofMillis(200));
            assertEquals(asleep, there.sleepCount(), "the idle peer woke and slept again with no work");
            return null;
        });
    }
}
