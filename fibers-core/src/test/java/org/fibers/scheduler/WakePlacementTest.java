package org.fibers.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.channels.Channel;
import org.fibers.conditions.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where a woken fiber runs next (TaskRouting.submitWoken): a wake from a fiber on a peer leaves
 * it on its owner, so two fibers that talk keep a carrier each; a wake from a peer's own loop
 * (here a scheduled task) moves it to that peer. On JDK 21 to 23 the JDK calls the executor
 * with the carrier thread as the current thread even when a fiber unparks, so the first rule
 * must not rest on Thread.currentThread().isVirtual().
 */
class WakePlacementTest {
    private static final int TRIALS = 10;

    @Test
    @Timeout(60)
    void aFiberWokenByAFiberOnAPeerStaysOnItsOwner() {
        List<Trial> trials = Collections.synchronizedList(new ArrayList<>());
        Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            Channel<Scheduler> blocksOn = new Channel<>();
            Channel<Integer> channel = new Channel<>();
            Scheduler[] wakerOn = new Scheduler[1];
            Fiber<Void> waiter = Fibers.spawn(() -> {
                for (int i = 0; i < TRIALS; i++) {
                    Scheduler before = Scheduler.current();
                    blocksOn.put(before);
                    before = Scheduler.current();       // where it blocks (put may have parked it)
                    channel.get();
                    trials.add(new Trial(before, wakerOn[0], Scheduler.current()));
                }
            }, Scheduler.current(), false);
            for (int i = 0; i < TRIALS; i++) {
                Scheduler other = blocksOn.get().remotePeers().get(0);
                Fibers.spawn(() -> {
                    Fibers.sleep(Duration.ofMillis(3)); // the waiter has parked by now: a real wake
                    wakerOn[0] = Scheduler.current();   // published to the waiter by the put
                    channel.put(0);
                    BusyWait.busyFor(Duration.ofMillis(2));      // keep this carrier: a task moved here would wait
                }, other, false).join();
            }
            waiter.join();
            return null;
        });
        int acrossCarriers = 0;
        for (Trial t : trials) {
            if (t.wakerOn != t.blockedOn) {
                acrossCarriers++;
                assertEquals(t.blockedOn, t.resumedOn, "stays on its own scheduler: " + t);
            }
        }
        assertTrue(acrossCarriers > 0, "some wakes came from the peer: " + trials);
    }

    /**
     * The waiter is signalled by a task on the peer's loop once it is parked in await. A trial
     * during which either carrier stole a task does not count: on a loaded machine the
     * signaller's carrier can lose its core right after the wake, and the idle main carrier
     * then rightly steals the lone waiter. Without stealing, the waiter must run on the peer.
     */
    @Test
    @Timeout(60)
    void aFiberWokenByAScheduledTaskOnAPeerMovesThere() {
        List<Boolean> onSignaller = Collections.synchronizedList(new ArrayList<>());
        int[] inconclusive = new int[1];
        Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            Channel<Condition> waits = new Channel<>();
            Channel<Scheduler> resumed = new Channel<>();
            Fiber<Void> waiter = Fibers.spawn(() -> {
                for (;;) {
                    Condition c = waits.get();
                    if (c == null) {
                        return;
                    }
                    c.await();
                    resumed.put(Scheduler.current());
                }
            }, Scheduler.current(), false);
            Scheduler last = Scheduler.current();
            for (int attempt = 0; onSignaller.size() < TRIALS && attempt < 20 * TRIALS; attempt++) {
                Condition c = new Condition();
                waits.put(c);
                awaitParkedInAwait(waiter.thread());
                Scheduler signaller = last.remotePeers().get(0);
                long stolenBefore = StealCount.inGroupOf(signaller);
                signaller.schedule(c::signal);          // woken by that peer's loop
                last = resumed.get();
                if (StealCount.inGroupOf(signaller) == stolenBefore) {
                    onSignaller.add(last == signaller);
                } else {
                    inconclusive[0]++;
                }
            }
            waits.put(null);
            waiter.join();
            return null;
        });
        assertEquals(Collections.nCopies(TRIALS, true), onSignaller,
                "moved to the signalling scheduler every time (" + inconclusive[0] + " trials with a steal not counted)");
    }

    /**
     * Waits until {@code t} is parked in {@link Condition#await()}, seen so twice 2 ms apart. One
     * WAITING reading is not enough: the JDK shows a virtual thread as parked for a moment after
     * it parked with an unpark already pending (it then resumes at once), and a fiber can carry
     * such a pending unpark from its last wait (a peer unparked it as its spin ended with the
     * value in), so its first park in await may return at once and park again. A signal sent in
     * either moment finds the waiter running on its own carrier.
     */
    private static void awaitParkedInAwait(Thread t) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int seen = 0;
        while (seen < 2) {
            assertTrue(System.nanoTime() - deadline < 0, "the waiter never parked in Condition.await");
            seen = parkedInAwait(t) ? seen + 1 : 0;
            Fibers.sleep(Duration.ofMillis(seen == 1 ? 2 : 1));
        }
    }

    private static boolean parkedInAwait(Thread t) {
        if (t.getState() != Thread.State.WAITING) {
            return false;
        }
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals(Condition.class.getName()) && e.getMethodName().equals("await")) {
                return true;
            }
        }
        return false;
    }

    /** One wake: where the waiter blocked, where its waker ran, where the waiter ran next. */
    private record Trial(Scheduler blockedOn, Scheduler wakerOn, Scheduler resumedOn) {
    }
}
