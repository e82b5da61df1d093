package org.fibers.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
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
}
