package org.fibers.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.fibers.operations.OpState.Commit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class OpStateTest {
    @Test
    void exactlyOneTrySyncWins() {
        OpState s = new OpState(Thread.currentThread());
        assertFalse(s.isSynced());
        assertTrue(s.trySync());
        assertTrue(s.isSynced());
        assertFalse(s.trySync());
    }

    @Test
    void commitOutcomes() {
        Thread me = Thread.currentThread();
        OpState mine = new OpState(me);
        OpState theirs = new OpState(me);
        assertEquals(Commit.COMMITTED, OpState.commit(mine, theirs));
        assertTrue(mine.isSynced() && theirs.isSynced());

        OpState fresh = new OpState(me);
        assertEquals(Commit.THEIRS_DONE, OpState.commit(fresh, theirs));
        assertFalse(fresh.isSynced(), "our claim was released");
        assertEquals(Commit.MINE_DONE, OpState.commit(mine, new OpState(me)));
    }

    @Test
    void theOwnerWithdrawsOnlyWhileNobodyCommitted() {
        OpState a = new OpState(Thread.currentThread());
        assertTrue(a.withdraw());
        assertFalse(a.trySync(), "withdrawn: nobody can commit it");
        OpState b = new OpState(Thread.currentThread());
        assertTrue(b.trySync());
        assertFalse(b.withdraw(), "committed first: the owner must take the value");
    }

    /**
     * Two owners commit each other's states at the same moment (both hold CLAIMED and see the
     * other CLAIMED): the rank tie-break must resolve it every time, with exactly one winner.
     */
    @Test
    @Timeout(30)
    void crossedPairCommitsNeverDeadlockAndHaveOneWinner() throws Exception {
        int rounds = 20_000;
        CyclicBarrier barrier = new CyclicBarrier(2);
        AtomicReference<OpState[]> pair = new AtomicReference<>();
        Commit[][] outcomes = new Commit[2][rounds];
        Thread[] threads = new Thread[2];
        for (int side = 0; side < 2; side++) {
            int me = side;
            threads[side] = new Thread(() -> {
                try {
                    for (int r = 0; r < rounds; r++) {
                        if (me == 0) {
                            pair.set(new OpState[] {new OpState(threads[0]), new OpState(threads[1])});
                        }
                        barrier.await();
                        OpState[] p = pair.get();
                        outcomes[me][r] = OpState.commit(p[me], p[1 - me]);
                        barrier.await();
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        for (int r = 0; r < rounds; r++) {
            Commit a = outcomes[0][r];
            Commit b = outcomes[1][r];
            assertTrue((a == Commit.COMMITTED && b == Commit.MINE_DONE)
                    || (a == Commit.MINE_DONE && b == Commit.COMMITTED), "round " + r + ": " + a + "/" + b);
        }
    }

    @Test
    void aResultDeliveredBeforeTheSpinStartsEndsItAtOnce() {
        OpState s = new OpState(Thread.currentThread());
        assertTrue(s.trySync());
        s.deliver("early");
        assertFalse(s.startSpinning(), "the value is in: no spin");
        assertEquals("early", s.awaitDelivery());

        OpState t = new OpState(Thread.currentThread());
        assertTrue(t.startSpinning());
        assertFalse(t.spinEnded());
        assertTrue(t.trySync());
        t.deliver(null);
        assertTrue(t.spinEnded());
        assertFalse(t.stopSpinning(), "delivered while spinning: nothing to clear");
        assertEquals(OpState.NULL_RESULT, t.awaitDelivery());
    }

    /**
     * The spin handshake against a winner on another thread, with the timing of both sides
     * varied: the owner sometimes parks at once, sometimes spins briefly and gives up, sometimes
     * spins until the value comes; the winner commits and delivers after a random pause. A
     * winner that saw the spinning mark skips the unpark, so a wrong handshake shows as an
     * owner parked on a SYNCED state that nobody unparks: every park here is bounded, and a
     * park that ran out on a state whose winner skipped the unpark is counted as a lost
     * wake-up (a park that ran out although the winner did unpark only means the owner's
     * thread got no core for a while, as on a loaded machine). Every round must also hand over
     * its own value.
     */
    @Test
    @Timeout(120)
    void theSpinningMarkNeverLosesAWakeUpOrAValue() throws Exception {
        int rounds = 100_000;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        AtomicReference<OpState> published = new AtomicReference<>();
        boolean[] unparked = new boolean[1];        // by the winner, before it unpublishes
        int[] lostWakeUps = new int[1];
        int[] done = new int[1];
        Thread owner = new Thread(() -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int r = 0; r < rounds && System.nanoTime() - deadline < 0; r++) {
                OpState st = new OpState(Thread.currentThread());
                published.set(st);
                int mode = rnd.nextInt(3);
                if (mode > 0 && st.startSpinning()) {
                    int spins = mode == 1 ? rnd.nextInt(50) : Integer.MAX_VALUE;
                    for (int i = 0; i < spins && !st.spinEnded(); i++) {
                        Thread.onSpinWait();
                    }
                    st.stopSpinning();
                }
                boolean ranOutSynced = false;
                while (!st.isSynced()) {
                    if (Thread.currentThread().isInterrupted()) {
                        return;                     // the winner failed; its error is reported
                    }
                    long t0 = System.nanoTime();
                    LockSupport.parkNanos(st, TimeUnit.MILLISECONDS.toNanos(500));
                    ranOutSynced = System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(500) && st.isSynced();
                }
                Object v = st.awaitDelivery();
                assertEquals(r, v, "round " + r + " got another round's value");
                while (published.get() == st) {
                    Thread.onSpinWait();            // the winner takes it off before the next round
                }
                if (ranOutSynced && !unparked[0]) { // the CAS on published ordered unparked[0]
                    lostWakeUps[0]++;
                }
                done[0] = r + 1;
            }
            published.set(null);
        });
        Thread winner = new Thread(() -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int r = 0; ; r++) {
                OpState st;
                while ((st = published.get()) == null || st.isSynced()) {
                    if (!owner.isAlive()) {
                        return;
                    }
                    Thread.onSpinWait();
                }
                for (int i = rnd.nextInt(200); i > 0; i--) {
                    Thread.onSpinWait();
                }
                assertTrue(st.trySync());
                unparked[0] = st.deliver(r);
                published.compareAndSet(st, null);
            }
        });
        AtomicReference<Throwable> failure = new AtomicReference<>();
        owner.setUncaughtExceptionHandler((t, e) -> failure.compareAndSet(null, e));
        winner.setUncaughtExceptionHandler((t, e) -> {
            failure.compareAndSet(null, e);
            owner.interrupt();
        });
        owner.start();
        winner.start();
        owner.join();
        winner.join();
        if (failure.get() != null) {
            throw new AssertionError("a side failed", failure.get());
        }
        assertTrue(done[0] >= 1_000, "too few rounds ran: " + done[0]);
        assertEquals(0, lostWakeUps[0], "owners left parked on a SYNCED state");
    }
}
