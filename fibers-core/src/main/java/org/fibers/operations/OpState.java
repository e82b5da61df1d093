package org.fibers.operations;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.fibers.introspect.DescribesWait;
import org.fibers.introspect.WaitDescription;

/**
 * The shared state of one blocking {@link Operation#perform() perform}: a word that is
 * WAITING, CLAIMED or SYNCED, as in the Parallel CML paper (Reppy, Russo, Xiao, ICFP 2009).
 *
 * <p>A perform that cannot complete at once allocates exactly one {@code OpState} and hands it,
 * with a {@link Resumer}, to the {@link BaseOperation#block block} function of every branch.
 * Whoever completes the perform (a peer, a timer, a signal) must first move this word to SYNCED
 * with {@link #trySync()} or {@link #commit(OpState, OpState)}, and only if that succeeded call
 * the branch's {@code Resumer} exactly once, right away (the performer waits busily for it once
 * it sees SYNCED). Waiters found SYNCED are stale (another branch won, or the performer
 * withdrew) and should be dropped.
 *
 * <p>This class is low-level API, needed only to write new base operations. All methods are
 * thread-safe and lock-free; {@link #commit} spins briefly while the other party is CLAIMED.
 */
public class OpState implements DescribesWait {
    /*
     * Implementation notes.
     *
     * The word has three values. WAITING: the performer is (about to be) parked and any branch
     * may still win. CLAIMED: the performer itself is in the middle of committing a pair of
     * op-states (its own and a peer's, see commit) and nobody else may touch it; other parties
     * spin until it is WAITING or SYNCED again. SYNCED: final, some party won the race; only
     * that party may deliver a result, once, through a Resumer.
     *
     * Only the owner (the performing thread) ever claims its own word, and only while it runs
     * a block function (the "service" step of channels). So when the owner sits in its park
     * loop its word is WAITING or SYNCED, and withdrawal on interrupt is a single CAS.
     *
     * Pair commits can meet: A holds its own CLAIMED and finds B CLAIMED, while B holds its
     * own and looks at A. Guile's channels.scm makes both back off and retry, which is fair
     * but can livelock in principle. Here the tie is broken by rank (the owner thread's id,
     * unique among live op-states because a thread performs one operation at a time; read
     * from the owner only on this rare path, so that the op-state stays small): the
     * lower rank keeps its claim and waits for the higher one to resolve, the higher rank backs
     * off to WAITING, waits until the lower one is no longer CLAIMED, then claims again. Waits
     * only ever point from a lower rank to a higher one, so no cycle of waiting can form.
     *
     * A claim is held only by a running thread: nothing parks or yields while holding one
     * (the wait above only spins). So a party spinning on someone's C (trySync, or a pair commit
     * waiting for a higher rank) never waits for a fiber that is off its carrier; those spinners
     * hold nothing and may yield (backoff) to let others run.
     *
     * Delivery is separate from the state word: the winner reads result, stores the value
     * into it (a release store; a null value travels as NULL_RESULT) and unparks the owner
     * unless the value it read was SPINNING. A many-branch perform's winner first stores its
     * branch index (ChoiceState). The owner parks only while the state word is not SYNCED,
     * never on the result: the word moves to SYNCED by a CAS (a full fence) before the winner
     * reads anything of the owner's (result, the virtual thread's permit), so the owner's
     * update-then-load (clear SPINNING or take the permit, then read the word) and the
     * winner's (CAS the word, then read result or the permit) form Dekker pairs without a
     * second fence for the delivery. An owner that sees SYNCED without a result busy-waits the
     * few instructions between the winner's CAS and its delivery (awaitDelivery); winners
     * deliver at once, and nothing parks in between.
     *
     * SPINNING in result marks an owner that busy-waits for its result instead of parking, so
     * the winner can skip the unpark (a write to the owner's thread, on another core). It
     * lives in result, not in a field of its own, to keep a channel's waiter (SoloWaiter: this
     * state plus a message and a link) at 32 bytes, half a cache line, like the JDK's
     * SynchronousQueue nodes: a 48-byte node straddled two lines more often than not, and a
     * cross-core hand-off then moved both. The owner sets it by CAS null -> SPINNING and
     * clears it by CAS SPINNING -> null when its spin runs out: either CAS fails only because
     * the value arrived. A winner that read SPINNING and so skipped the unpark either stores
     * the value over SPINNING (the spinning owner sees it), or the owner's clearing CAS came
     * after that read (it could not have come before: the read saw SPINNING) and therefore
     * after the winner's CAS of the word, so the owner then reads SYNCED and waits for the
     * delivery instead of parking.
     */

    /** Any party may still complete this perform. */
    static final int WAITING = 0;
    /** The owner is committing a pair (see {@link #commit}); others wait. */
    static final int CLAIMED = 1;
    /** Final: completed by exactly one party, or withdrawn by its owner. */
    static final int SYNCED = 2;

    /** Outcome of {@link #commit(OpState, OpState)}. */
    public enum Commit {
        /** Both states moved to SYNCED by this call: the caller must resume both sides. */
        COMMITTED,
        /** The caller's own state was already SYNCED: someone completed it; stop. */
        MINE_DONE,
        /** The other state was already SYNCED: drop that waiter and look further. */
        THEIRS_DONE
    }

    static final Object NULL_RESULT = new Object();
    static final Object TAKEN = new Object();
    /** In {@link #result} while the owner busy-waits for it (see the implementation notes). */
    private static final Object SPINNING = new Object();

    /*
     * State diagram (owner = the thread that performs; "any" = peers, timers, signals):
     *
     *               owner: CAS W->C to commit a pair
     *   WAITING  ----------------------------------->  CLAIMED
     *      |     <-----------------------------------     |
     *      |       owner: C->W, the peer was gone/busy    |  owner: C->S, the peer's CAS W->S worked
     *      |                                              v
     *      +---- any: CAS W->S (commit) ----------->   SYNCED   (final)
     *      +---- owner: CAS W->S (withdraw, interrupt) ---^
     */
    private volatile int state;

    /** The performing thread (a fiber or a platform thread): parked until delivery. */
    final Thread owner;

    /**
     * Raw result of the winning branch, and the owner's spinning mark (see the notes).
     * <pre>
     *   null --owner CAS--> SPINNING --owner CAS (spin ran out)--> null
     *   null or SPINNING --winner's store--> value or NULL_RESULT --owner, after reading it--> TAKEN
     * </pre>
     */
    private volatile Object result;

    /**
     * For introspection, written by the owner only when it is about to park (never on the
     * try path): the base operation, or the array of base operations of a choice, it waits
     * for, and how many of the array count. Plain fields: a reader on another thread reads
     * them after seeing the owner parked on this state, a benign race for a diagnostic.
     */
    Object waitingFor;
    int waitingCount;
    /**
     * When the owner first parked, on the {@link System#nanoTime()} scale: the
     * {@link org.fibers.scheduler.CoarseClock} (a tick, 10 ms at the default hz, early at
     * most) once a preemption ticker runs, else the clock itself; 0 before.
     */
    long waitingSince;

    OpState(Thread owner) {
        this.owner = owner;
    }

    /**
     * What the owner waits for, as a dump shows it; the park blocker of a blocked perform.
     * Introspection only; may be called from any thread.
     */
    public final WaitDescription describeWait() {
        Object w = waitingFor;
        if (w instanceof BaseOperation<?> b) {
            return b.describeWait(waitingSince);
        }
        if (w instanceof BaseOperation<?>[] bs) {
            List<WaitDescription> branches = new ArrayList<>();
            for (int i = 0; i < Math.min(waitingCount, bs.length); i++) {
                if (bs[i] != null) {
                    branches.add(bs[i].describeWait(waitingSince));
                }
            }
            return new WaitDescription("choice", "", WaitDescription.NO_DEADLINE, branches);
        }
        return WaitDescription.of("operation", "");
    }

    /**
     * {@return when the owner parked on this state, on the {@link System#nanoTime()} scale and
     * to the preemption ticker's resolution (up to one tick early), or 0 before}
     */
    public final long waitingSinceNanos() {
        return waitingSince;
    }

    /** {@return true once this perform is complete (or withdrawn): its waiters are stale} */
    public final boolean isSynced() {
        return state == SYNCED;
    }

    /**
     * Single-party commit: moves WAITING to SYNCED, waiting while the owner holds CLAIMED.
     *
     * @return true if this call won; the caller must then call the branch's {@link Resumer}
     *         exactly once. False if the perform was already complete (drop the waiter).
     */
    public final boolean trySync() {
        for (int spins = 0; ; spins++) {
            int s = (int) STATE.compareAndExchange(this, WAITING, SYNCED);
            if (s == WAITING) {
                return true;                    // W: we won; we alone deliver
            }
            if (s == SYNCED) {
                return false;                   // S: already performed; stale waiter
            }
            backoff(spins);                     // C: owner busy committing a pair; try again
        }
    }

    /**
     * {@return pair commit, for a performer that is itself published (its own {@code mine} state is
     * visible to others) and wants to complete a peer's waiter at the same time: claims
     * {@code mine} first (WAITING to CLAIMED) so no one completes it meanwhile, then moves
     * {@code theirs} from WAITING to SYNCED, then {@code mine} to SYNCED} Backs off if the peer
     * is gone. Must be called by the owner of {@code mine} only.
     *
     * @param mine the caller's own published op-state
     * @param theirs the op-state of the peer's waiter
     */
    public static Commit commit(OpState mine, OpState theirs) {
        for (int spins = 0; ; spins++) {
            if (!STATE.compareAndSet(mine, WAITING, CLAIMED)) {
                // Only we claim our own word, so it is not C: it is S, someone completed us.
                return Commit.MINE_DONE;
            }
            for (;;) {
                int t = (int) STATE.compareAndExchange(theirs, WAITING, SYNCED);
                if (t == WAITING) {
                    // W: the peer is ours. Nobody could touch our C meanwhile: finish.
                    STATE.setVolatile(mine, SYNCED);
                    return Commit.COMMITTED;
                }
                if (t == SYNCED) {
                    // S: the peer already performed; release our claim, let the caller go on.
                    STATE.setVolatile(mine, WAITING);
                    return Commit.THEIRS_DONE;
                }
                // C: the peer's owner commits a pair of its own right now.
                if (mine.owner.threadId() < theirs.owner.threadId()) {
                    // Lower rank: keep our claim; the peer backs off or finishes shortly. Spin
                    // only: a fiber must never yield its carrier while it holds a claim (a
                    // timer task spinning on our C on that carrier would never let us run).
                    Thread.onSpinWait();
                    continue;
                }
                // Higher rank: back off to W (a peer may complete us now), wait, claim again.
                STATE.setVolatile(mine, WAITING);
                while (theirs.state == CLAIMED) {
                    backoff(spins++);
                }
                break;
            }
        }
    }

    /** Owner only, in its park loop: CAS W->S. True if withdrawn; false if a peer won. */
    final boolean withdraw() {
        // The owner is not committing a pair here, so the word is W or S, never C.
        return STATE.compareAndSet(this, WAITING, SYNCED);
    }

    /**
     * Called by the winning party only, right after its CAS moved the state to SYNCED (the
     * owner waits for this delivery busily once it sees SYNCED: nothing may block in between).
     * Answers whether it unparked the owner: false when the owner was marked as spinning (or is
     * the caller), which tests use to tell a skipped wake-up from a late-scheduled one.
     */
    final boolean deliver(Object value) {
        // Read before the store: SPINNING means the owner is busy-waiting, or about to clear
        // the mark and then read the word, which our CAS already made SYNCED (see the notes).
        boolean ownerSpins = result == SPINNING;
        // A release store suffices (see the implementation notes): the owner decides to park on
        // the state word, which our CAS wrote with a full fence before the loads here.
        // VirtualThread.unpark's plain read of a stale permit may pass this store, but not the
        // CAS; an owner that consumed that permit re-reads the word, sees SYNCED and waits for
        // this store instead of parking.
        RESULT.setRelease(this, value == null ? NULL_RESULT : value);
        if (!ownerSpins && owner != Thread.currentThread()) {
            LockSupport.unpark(owner);
            return true;
        }
        return false;
    }

    /**
     * Owner only, once the state is SYNCED by a peer: the result, waiting the moment between
     * the peer's CAS and its delivery (spinning, then yielding: a platform-thread winner may
     * have lost its core in between). Never called while SPINNING is set.
     */
    final Object awaitDelivery() {
        Object r;
        for (int spins = 0; (r = result) == null; spins++) {
            backoff(spins);
        }
        return r;
    }

    /**
     * Owner only, before a busy-wait: marks it (null -> SPINNING) so the winner skips the
     * unpark. False if the result is here already.
     */
    final boolean startSpinning() {
        // Fails only on a delivered value: nobody else writes result while it is null.
        return RESULT.compareAndSet(this, null, SPINNING);
    }

    /** Owner only, while spinning: true once a result was delivered. */
    final boolean spinEnded() {
        return result != SPINNING;
    }

    /**
     * Owner only, when its busy-wait ran out: clears the mark (SPINNING -> null) before it
     * reads the word and parks. False if the result arrived meanwhile.
     */
    final boolean stopSpinning() {
        // Success: no winner stored yet; one that read SPINNING before our CAS already made
        // the word SYNCED, which our next read sees. Failure: the value replaced SPINNING.
        return RESULT.compareAndSet(this, SPINNING, null);
    }

    /** Owner only, after {@link #awaitDelivery()} returned: the winning branch (0 here). */
    int winner() {
        return 0;
    }

    /** Owner only: drop the reference to the value (a stale queue entry may keep us alive). */
    final void clearResult() {
        RESULT.setRelease(this, TAKEN);
    }

    static void backoff(int spins) {
        if (spins < 100) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    @Override
    public String toString() {
        int s = state;
        return "OpState[" + (s == WAITING ? "WAITING" : s == CLAIMED ? "CLAIMED" : "SYNCED")
                + ", " + owner + "]";
    }

    // VarHandle mechanics
    private static final VarHandle STATE;
    private static final VarHandle RESULT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(OpState.class, "state", int.class);
            RESULT = l.findVarHandle(OpState.class, "result", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
