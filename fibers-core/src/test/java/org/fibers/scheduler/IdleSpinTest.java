package org.fibers.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        int warmUp = 20_000;
        int measured = 1000;
        Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            Scheduler here = Scheduler.current();
            Scheduler there = here.remotePeers().get(0);
            Channel<Integer> ping = new Channel<>();
            Channel<Integer> pong = new Channel<>();
            Fiber<Void> partner = Fibers.spawn(() -> {
                for (int i = 0; i < warmUp + measured; i++) {
                    Integer v = ping.get();
                    BusyWait.busyFor(Duration.ofNanos(i < warmUp ? 0 : 35_000));
                    pong.put(v);
                }
                return null;
            }, there, false);
            long sleepsBefore = 0;
            for (int i = 0; i < warmUp + measured; i++) {
                if (i == warmUp) {
                    sleepsBefore = here.sleepCount(); // compiled by now, and the wake latency measured
                }
                ping.put(i);
                assertEquals(i, pong.get());
            }
            long sleeps = here.sleepCount() - sleepsBefore;
            partner.join();
            // Some sleeps remain where the OS takes a carrier thread off its CPU for a while.
            assertTrue(sleeps < measured / 2, "the driver's carrier slept " + sleeps + " times in " + measured
                    + " round trips (wake latency " + here.wakeLatencyNanos() / 1000 + " µs)");
            return null;
        });
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
