package org.fibers.scheduler;

import static org.fibers.testing.PlatformThreads.join;
import static org.fibers.testing.PlatformThreads.start;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Model checking of the local run queue with Lincheck: an owner pushing, taking and clearing
 * stale slots ({@code forgetStolen}) while a thief steals. Every task must be taken exactly
 * once, by the owner or by the thief, whatever the interleaving; a slot cleared under a
 * thief's feet must never turn into a lost or a null task.
 */
class RunQueueModelCheckTest {
    private static final int INVOCATIONS = 300;
    private static Scheduler ownerScheduler;
    private static Scheduler thiefScheduler;

    @BeforeAll
    static void schedulers() {
        ownerScheduler = Scheduler.create(2);
        thiefScheduler = ownerScheduler.remotePeers().get(0);
    }

    @AfterAll
    static void close() {
        ownerScheduler.close();
    }

    private static final class Item extends Task {
        final int n;

        Item(int n) {
            super(ownerScheduler);
            this.n = n;
        }

        @Override
        protected void run() {
        }
    }

    @Test
    void everyTaskIsTakenOnceWhileAThiefStealsAndTheOwnerClearsStaleSlots() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            RunQueue queue = new RunQueue();
            RunQueue thiefQueue = new RunQueue();
            List<Task> ownerTook = new ArrayList<>();
            List<Task> thiefTook = new ArrayList<>();
            Thread owner = start(() -> {
                queue.offer(new Item(1));
                queue.offer(new Item(2));
                queue.offer(new Item(3));
                queue.forgetStolen();           // not empty unless the thief took all: a no-op
                drain(queue, ownerTook);
                queue.forgetStolen();           // empty: clears every slot if the thief took any
                queue.offer(new Item(4));
                queue.offer(new Item(5));
                queue.forgetStolen();
                drain(queue, ownerTook);
                queue.forgetStolen();
            });
            Thread thief = start(() -> {
                for (int attempt = 0; attempt < 2; attempt++) {
                    thiefQueue.stealFrom(queue, thiefScheduler);
                    drain(thiefQueue, thiefTook);
                }
            });
            join(owner, thief);
            drain(queue, ownerTook);            // anything pushed after the owner's last look
            Set<Integer> seen = new HashSet<>();
            for (Task t : ownerTook) {
                assertEquals(true, seen.add(((Item) t).n), "taken twice: " + ((Item) t).n);
            }
            for (Task t : thiefTook) {
                assertEquals(true, seen.add(((Item) t).n), "taken twice: " + ((Item) t).n);
                assertEquals(thiefScheduler, t.owner(), "a stolen task belongs to the thief");
            }
            assertEquals(Set.of(1, 2, 3, 4, 5), seen, "every task taken once");
        });
    }

    /** Takes every queued task (as the queue's owner, with thieves about). */
    private static void drain(RunQueue q, List<Task> into) {
        Task t;
        while ((t = q.pollBefore(Long.MAX_VALUE, false)) != null) {
            into.add(t);
        }
    }
}
