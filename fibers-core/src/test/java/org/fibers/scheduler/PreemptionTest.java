package org.fibers.scheduler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.junit.jupiter.api.Test;

class PreemptionTest {
    @Test
    void aFiberThatSpentItsSliceYieldsAtItsNextOperation() {
        // One carrier: the hog never blocks, but it passes preemption points; with hz on, the
        // other fiber gets to run and set the flag that ends the hog's loop.
        boolean otherRan = Fibers.run(RunOptions.builder().parallelism(1).hz(200).build(), () -> {
            AtomicBoolean flag = new AtomicBoolean();
            Fiber<Boolean> hog = Fibers.spawn(() -> {
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (!flag.get() && System.nanoTime() - deadline < 0) {
                    Scheduler.preemptionPoint();
                }
                return flag.get();
            });
            Fibers.spawn(() -> flag.set(true));
            return hog.join();
        });
        assertTrue(otherRan, "the other fiber ran while the hog was looping");
    }

    @Test
    void idlePeersStealWorkQueuedBehindAHog() {
        boolean served = Fibers.run(RunOptions.builder().parallelism(2).hz(0).build(), () -> {
            Scheduler main = Scheduler.current();
            AtomicBoolean flag = new AtomicBoolean();
            // the hog never reaches a preemption point; only stealing can run the other fiber
            Fiber<Boolean> hog = Fibers.spawn(() -> {
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (!flag.get() && System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                }
                return flag.get();
            }, main, false);
            Fibers.spawn(() -> flag.set(true), main, false);
            return hog.join();
        });
        assertTrue(served);
    }
}
