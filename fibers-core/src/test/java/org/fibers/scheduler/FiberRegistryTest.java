package org.fibers.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FiberRegistryTest {
    private final Scheduler scheduler = Scheduler.create(1);

    @AfterEach
    void close() {
        scheduler.close();
    }

    /** A stand-in for a fiber: ends when told, counts cancellations. */
    private final class FakeFiber extends Task {
        boolean ended;
        int cancels;

        FakeFiber() {
            super(scheduler);
        }

        @Override
        protected void run() {
        }

        @Override
        protected boolean taskFinished() {
            return ended;
        }

        @Override
        protected void cancelTask() {
            cancels++;
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1023, 1024, 1025, 5000})
    void cancelAllReachesExactlyTheLiveOnes(int liveWanted) {
        List<FakeFiber> all = new ArrayList<>();
        long[] live = {0};
        FiberRegistry registry = new FiberRegistry(() -> live[0]);
        SplittableRandom random = new SplittableRandom(liveWanted);
        // More than liveWanted added; the extra ones end, scattered among the live ones.
        int total = liveWanted * 2 + 3000;
        List<Integer> endOrder = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            FakeFiber f = new FakeFiber();
            all.add(f);
            live[0]++; // as in the runtime: counted as started before it is registered
            registry.add(f);
            endOrder.add(i);
        }
        java.util.Collections.shuffle(endOrder, new java.util.Random(random.nextLong()));
        for (int k = 0; k < total - liveWanted; k++) {
            all.get(endOrder.get(k)).ended = true;
        }
        live[0] = liveWanted;
        registry.sweep();
        assertEquals(liveWanted, registry.size(), "a sweep keeps exactly the fibers that have not ended");
        registry.cancelAll();
        for (FakeFiber f : all) {
            assertEquals(f.ended ? 0 : 1, f.cancels, "cancelled once if live, never if ended");
        }
        // The registry keeps working after sweeps: new fibers are found again.
        FakeFiber late = new FakeFiber();
        live[0]++;
        registry.add(late);
        registry.cancelAll();
        assertEquals(1, late.cancels);
    }

    @Test
    void whileMostFibersLiveAppendsNeverSweep() {
        long[] live = {0};
        FiberRegistry registry = new FiberRegistry(() -> live[0]);
        List<FakeFiber> all = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            FakeFiber f = new FakeFiber();
            all.add(f);
            live[0]++;
            registry.add(f);
        }
        all.get(0).ended = true; // a sweep would drop it
        registry.sweepIfSparse();
        assertEquals(10_000, registry.size(), "not sparse: no sweep");
        for (FakeFiber f : all.subList(0, 9_000)) {
            f.ended = true;
        }
        live[0] = 1_000;
        registry.sweepIfSparse();
        assertEquals(1_000, registry.size(), "sparse: ended fibers swept out");
    }

    @Test
    void whenNothingIsLiveASweepDropsEverythingWithoutLooking() {
        FiberRegistry registry = new FiberRegistry(() -> 0);
        FakeFiber f = new FakeFiber(); // not marked ended: the count is what a sweep trusts here
        registry.add(f);
        registry.sweep();
        assertEquals(0, registry.size());
        registry.cancelAll();
        assertEquals(0, f.cancels);
        assertFalse(registry.worthSweeping());
        registry.add(new FakeFiber());
        assertTrue(registry.worthSweeping());
    }
}
