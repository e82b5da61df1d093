package org.fibers.operations;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.fibers.FiberCancelledException;
import org.fibers.jfr.FiberBlockedEvent;
import org.fibers.jfr.FiberEvents;
import org.fibers.scheduler.BlockSpin;
import org.fibers.scheduler.CoarseClock;
import org.fibers.scheduler.Scheduler;

/**
 * The driver of {@link Operation#perform()}: the try phase, the block phase and the park loop.
 */
final class Performer {
    /*
     * Implementation notes.
     *
     * perform(leaves):
     *   1. try: from a random start, call tryPerform() on each leaf; the first that returns a
     *      value wins, its wrap is applied, done. Allocation-free.
     *   2. block: allocate ONE OpState (when there is a single leaf, a SoloState made by that leaf,
     *      which is also the resumer and may be the leaf's waiter record; otherwise a
     *      ChoiceState, which also records the winning leaf, and one small Branch resumer per
     *      leaf). From the same random start,
     *      call block(state, resumer) on each leaf, stopping early if the state is already SYNCED
     *      (a block function or a peer completed us while we were still publishing).
     *   3. park until a result is delivered. On wake: run the withdraw actions of the leaves that
     *      lost, signal the nacks of scopes that lost, apply the winner's wrap.
     *
     * Cancellation: an interrupt seen in the park loop makes the owner CAS its own state W->S.
     * If that works, nobody can commit us any more: every waiter we published is now stale, we
     * run all withdraw actions, fire all nacks and throw FiberCancelledException (interrupt
     * status stays set). If it fails, a peer committed first and its value is ours: we wait for
     * the delivery (busily: it follows the peer's CAS at once) and return normally with the
     * interrupt status still set.
     * A block function that throws is handled the same way: withdraw, or keep the peer's value.
     */

    /** Private marker: await() saw an interrupt and withdrew. */
    private static final Object CANCELLED = new Object();

    private Performer() {
    }

    static void preemptionPoint() {
        Scheduler.preemptionPoint();
    }

    /** Block phase for one leaf, after its try failed. */
    @SuppressWarnings("unchecked")
    static <T> T blockOne(BaseOperation<?> base, Function<Object, Object> wrap) {
        SoloState st = base.newSoloState(Thread.currentThread());
        Runnable withdraw = null;
        try {
            st.waitingFor = base;               // for introspection; a plain store
            withdraw = ((BaseOperation<Object>) base).block(st, st);
        } catch (RuntimeException | Error e) {
            if (st.withdraw()) {
                throw e;                        // nothing committed; nothing was published after
            }                                   // else a peer committed: keep its value
        }
        Object raw = await(st);
        if (raw == CANCELLED) {
            if (withdraw != null) {
                withdraw.run();
            }
            throw cancelled();
        }
        return (T) (wrap == null ? raw : wrap.apply(raw));
    }

    /** Try phase then, if needed, block phase over {@code n} leaves; {@code flat} has the nacks. */
    @SuppressWarnings("unchecked")
    static <T> T performLeaves(BaseOperation<?>[] bases, Function<Object, Object>[] wraps, int n,
                               Flat flat) {
        int start = n > 1 ? ThreadLocalRandom.current().nextInt(n) : 0;
        int k = start;
        Object r = BaseOperation.NOT_READY;
        try {
            for (int i = 0; i < n; i++) {
                r = bases[k].tryPerform();
                if (r != BaseOperation.NOT_READY) {
                    break;
                }
                if (++k == n) {
                    k = 0;
                }
            }
        } catch (RuntimeException | Error e) {
            if (flat != null) {
                flat.signalNacksExcept(-1);     // a try function failed: nobody won
            }
            throw e;
        }
        if (r != BaseOperation.NOT_READY) {
            return (T) finish(k, r, wraps, flat);
        }
        if (n == 1 && flat == null) {
            return blockOne(bases[0], wraps[0]);
        }
        return (T) blockMany(bases, wraps, n, flat, start);
    }

    /**
     * The try phase alone over {@code op}'s leaves (Operation.poll): tries every leaf once, from
     * a random start so that ready branches share the wins, and returns the first ready leaf's
     * wrapped value, or NOT_READY having published nothing. Nacks fire for every losing scope.
     */
    static Object pollLeaves(Operation<?> op) {
        Flat flat = new Flat();
        try {
            op.flatten(flat);
        } catch (RuntimeException | Error e) {
            flat.signalNacksExcept(-1);
            throw e;
        }
        int n = flat.n;
        int k = n > 1 ? ThreadLocalRandom.current().nextInt(n) : 0;
        Object r = BaseOperation.NOT_READY;
        try {
            for (int i = 0; i < n && r == BaseOperation.NOT_READY; i++) {
                r = flat.bases[k].tryPerform();
                if (r == BaseOperation.NOT_READY && ++k == n) {
                    k = 0;
                }
            }
        } catch (RuntimeException | Error e) {
            flat.signalNacksExcept(-1);         // a try function failed: nobody won
            throw e;
        }
        if (r == BaseOperation.NOT_READY) {
            flat.signalNacksExcept(-1);         // nothing was ready: every branch lost
            return r;
        }
        return finish(k, r, flat.wraps, flat.hasNacks() ? flat : null);
    }

    /** Perform of a guard, a withNack or a choice containing one: flatten now, then perform. */
    static <T> T performDynamic(Operation<T> op) {
        Flat flat = new Flat();
        try {
            op.flatten(flat);
        } catch (RuntimeException | Error e) {
            flat.signalNacksExcept(-1);         // abandoned before any branch could win
            throw e;
        }
        return performLeaves(flat.bases, flat.wraps, flat.n, flat.hasNacks() ? flat : null);
    }

    @SuppressWarnings("unchecked")
    private static Object blockMany(BaseOperation<?>[] bases, Function<Object, Object>[] wraps,
                                    int n, Flat flat, int start) {
        OpState st = n == 1 ? bases[0].newSoloState(Thread.currentThread()) : new ChoiceState(Thread.currentThread());
        Runnable[] withdraws = null;
        st.waitingFor = n == 1 ? bases[0] : bases; // for introspection; plain stores
        st.waitingCount = n;
        try {
            for (int i = 0, k = start; i < n && !st.isSynced(); i++) {
                Resumer<Object> res = n == 1 ? (SoloState) st : new Branch((ChoiceState) st, k);
                Runnable w = ((BaseOperation<Object>) bases[k]).block(st, res);
                if (w != null) {
                    if (withdraws == null) {
                        withdraws = new Runnable[n];
                    }
                    withdraws[k] = w;
                }
                if (++k == n) {
                    k = 0;
                }
            }
        } catch (RuntimeException | Error e) {
            if (st.withdraw()) {
                runWithdraws(withdraws, -1);
                if (flat != null) {
                    flat.signalNacksExcept(-1);
                }
                throw e;
            }                                   // else a peer committed: keep its value
        }
        Object raw = await(st);
        if (raw == CANCELLED) {
            runWithdraws(withdraws, -1);
            if (flat != null) {
                flat.signalNacksExcept(-1);
            }
            throw cancelled();
        }
        int winner = st.winner();
        runWithdraws(withdraws, winner);
        return finish(winner, raw, wraps, flat);
    }

    private static Object finish(int winner, Object raw, Function<Object, Object>[] wraps, Flat flat) {
        if (flat != null) {
            flat.signalNacksExcept(winner);
        }
        Function<Object, Object> f = wraps[winner];
        return f == null ? raw : f.apply(raw);
    }

    private static void runWithdraws(Runnable[] withdraws, int winner) {
        if (withdraws != null) {
            for (int i = 0; i < withdraws.length; i++) {
                if (i != winner && withdraws[i] != null) {
                    withdraws[i].run();
                }
            }
        }
    }

    /**
     * The park loop; returns the raw result, or CANCELLED after withdrawing. It parks on the
     * state word, not on the result (see OpState's notes): once the word is SYNCED by a peer,
     * the delivery is moments away and is awaited busily.
     */
    private static Object await(OpState st) {
        Scheduler spinner;
        // A partner on a peer's carrier may be moments away: busy-wait on the result (not the
        // word: one line transfer), marked so the winner skips the unpark. Each step fails only
        // if the result is in, and then the loop below finds the word SYNCED.
        if (!st.isSynced() && (spinner = BlockSpin.candidate()) != null && st.startSpinning()
                && !BlockSpin.beforePark(spinner, st::spinEnded)) {
            st.stopSpinning();                  // ran out: unmarked (or delivered); read the word
        }
        FiberBlockedEvent blocked = null;      // JFR: begun at the first park, if enabled
        while (!st.isSynced()) {
            if (st.owner.isInterrupted()) {
                if (st.withdraw()) {
                    endBlocked(blocked, st);
                    return CANCELLED;           // W->S by us: nobody can commit us any more
                }
                // S already: a peer won the CAS and is delivering; the value must not be lost.
                // The loop ends; the interrupt status stays set for the caller.
            } else {
                if (st.waitingSince == 0) {
                    // first park: when the wait began, to the preemption ticker's resolution
                    // (one field read; a clock read here cost ~8% of a channel round trip)
                    long now = CoarseClock.now();
                    st.waitingSince = now != 0 ? now : System.nanoTime();
                    blocked = FiberEvents.blockBegin();
                }
                LockSupport.park(st);
            }
        }
        endBlocked(blocked, st);
        Object r = st.awaitDelivery();
        st.clearResult();
        return r == OpState.NULL_RESULT ? null : r;
    }

    private static void endBlocked(FiberBlockedEvent blocked, OpState st) {
        if (blocked != null) {
            FiberEvents.blockEnd(blocked, st);
        }
    }

    private static FiberCancelledException cancelled() {
        return new FiberCancelledException("interrupted while blocked in Operation.perform()");
    }

    /** The op-state of a many-leaf perform: it also records which leaf won. */
    static final class ChoiceState extends OpState {
        /** Index of the leaf that won; written by the winner before the result, read after it. */
        private int winner;

        ChoiceState(Thread owner) {
            super(owner);
        }

        @Override
        int winner() {
            return winner;
        }
    }

    /** The resumer of leaf {@code index} of a many-leaf perform. */
    static final class Branch implements Resumer<Object> {
        private final ChoiceState state;
        private final int index;

        Branch(ChoiceState state, int index) {
            this.state = state;
            this.index = index;
        }

        @Override
        public void resume(Object value) {
            state.winner = index;               // published by deliver's release store
            state.deliver(value);
        }
    }
}
