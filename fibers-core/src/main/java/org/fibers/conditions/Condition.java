package org.fibers.conditions;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import org.fibers.introspect.WaitDescription;
import org.fibers.operations.BaseOperation;
import org.fibers.operations.OpState;
import org.fibers.operations.Operation;
import org.fibers.operations.Resumer;

/**
 * A one-shot condition (Guile's {@code make-condition}): it starts unsignalled; {@link #signal()}
 * makes it signalled for good and wakes every waiter, in the order they started waiting.
 * {@link #waitOperation()} is ready once the condition is signalled. Thread-safe and lock-free;
 * waiters may be fibers on any schedulers or plain threads.
 *
 * <p>Memory effects: actions before {@code signal()} happen-before actions after a wait on this
 * condition returns.
 */
public final class Condition {
    /*
     * Implementation notes.
     *
     * After the Parallel CML paper's cvars and Guile's conditions.scm, with the signalled flag
     * and the waiter stack merged into one word: top is null (no waiters), a Treiber stack of
     * waiters, or the SIGNALLED sentinel (final). signal() is one getAndSet to SIGNALLED, which
     * hands the signaller the whole stack: no waiter can be pushed after it and missed, so the
     * "re-check the flag after pushing" step of Guile is not needed. A waiter is pushed by CAS
     * on top; if top is SIGNALLED the waiter completes itself instead.
     *
     * Stale waiters (SYNCED: another branch won, or the performer withdrew) are unlinked every
     * max(64, live) pushes by sweep(), like WaitQueue: next pointers only point to older nodes
     * and unlinking only skips dead nodes, so every live node stays reachable even while a
     * signaller walks a stack it took; a concurrent unlink may re-attach a dead node (benign).
     */

    /** A published wait. */
    private static final class Waiter {
        final OpState state;
        final Resumer<Object> resume;
        /** The waiter pushed before this one; only ever changed to skip a dead node. */
        volatile Waiter next;

        Waiter(OpState state, Resumer<Object> resume) {
            this.state = state;
            this.resume = resume;
        }
    }

    private static final Waiter SIGNALLED = new Waiter(null, null);
    private static final int MIN_SWEEP_PERIOD = 64;

    /*
     * null --push (CAS)--> stack --push/sweep pop (CAS)--> stack
     *   \                    |
     *    +--signal (xchg)----+------------------------> SIGNALLED (final)
     */
    private volatile Waiter top;
    /** Pushes since the last sweep. Benign race: plain, approximate. */
    private int pushesSinceSweep;
    /** Pushes between sweeps. Plain, approximate. */
    private int sweepPeriod = MIN_SWEEP_PERIOD;

    private final WaitOperation waitOp = new WaitOperation();

    /** A fresh, unsignalled condition. */
    public Condition() {
    }

    /**
     * Signals this condition and resumes everything waiting on it (Guile's
     * {@code signal-condition!}). Idempotent.
     *
     * @return true if this call signalled it, false if it was signalled already
     */
    public boolean signal() {
        Waiter w = (Waiter) TOP.getAndSet(this, SIGNALLED);
        if (w == SIGNALLED) {
            return false;
        }
        if (w != null && w.next == null) {
            wake(w);
            return true;
        }
        ArrayList<Waiter> stack = new ArrayList<>();
        for (; w != null; w = w.next) {
            stack.add(w);
        }
        for (int i = stack.size() - 1; i >= 0; i--) {   // oldest first
            wake(stack.get(i));
        }
        return true;
    }

    private static void wake(Waiter w) {
        if (w.state.trySync()) {                // W->S: we complete this wait
            w.resume.resume(null);
        }                                       // S: it chose another branch or withdrew
    }

    /** {@return true once {@link #signal()} has been called} */
    public boolean isSignalled() {
        return top == SIGNALLED;
    }

    /** {@return an operation that completes, yielding null, once this condition is signalled} */
    public Operation<Void> waitOperation() {
        return waitOp;
    }

    /**
     * Waits until this condition is signalled (Guile's {@code wait}).
     *
     * @throws org.fibers.FiberCancelledException if interrupted while waiting
     */
    public void await() {
        waitOp.perform();
    }

    /** Waiters held, live or stale not yet swept (tests, monitoring; racy). */
    int waiterCount() {
        int n = 0;
        Waiter w = top;
        for (w = w == SIGNALLED ? null : w; w != null; w = w.next) {
            n++;
        }
        return n;
    }

    /** Unlinks stale waiters; returns the number of live ones seen. */
    private int sweep() {
        Waiter t = top;
        while (t != null && t != SIGNALLED && t.state.isSynced()) {
            // Pop a dead top; failure means a push or a signal came first: start again.
            TOP.compareAndSet(this, t, t.next);
            t = top;
        }
        if (t == null || t == SIGNALLED) {
            return 0;
        }
        int live = 1;
        Waiter p = t;
        for (Waiter n = p.next; n != null; n = p.next) {
            if (n.state.isSynced()) {
                // Skip the dead node; if the CAS fails p.next changed (another sweep): re-read.
                NEXT.compareAndSet(p, n, n.next);
            } else {
                live++;
                p = n;
            }
        }
        return live;
    }

    @Override
    public String toString() {
        return "Condition[" + (isSignalled() ? "signalled" : "unsignalled") + "]";
    }

    /** Stateless, so one instance per condition. */
    private final class WaitOperation extends BaseOperation<Void> {
        @Override
        public WaitDescription describeWait(long blockedSinceNanos) {
            return WaitDescription.of("condition", WaitDescription.identity("condition", Condition.this));
        }

        @Override
        protected Object tryPerform() {
            return top == SIGNALLED ? null : NOT_READY;
        }

        @Override
        @SuppressWarnings("unchecked")
        protected Runnable block(OpState state, Resumer<? super Void> resume) {
            if (++pushesSinceSweep >= sweepPeriod) {
                pushesSinceSweep = 0;
                sweepPeriod = Math.max(MIN_SWEEP_PERIOD, sweep());
            }
            Waiter w = new Waiter(state, (Resumer<Object>) (Resumer<?>) resume);
            for (;;) {
                Waiter t = top;
                if (t == SIGNALLED) {
                    // Signalled since our try: complete ourselves (unless a peer did already).
                    if (state.trySync()) {
                        resume.resume(null);
                    }
                    return null;
                }
                w.next = t;
                if (TOP.compareAndSet(Condition.this, t, w)) {
                    return null;                // published; signal() will find us
                }                               // lost a race with a push, sweep or signal
            }
        }
    }

    // VarHandle mechanics
    private static final VarHandle TOP;
    private static final VarHandle NEXT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TOP = l.findVarHandle(Condition.class, "top", Waiter.class);
            NEXT = l.findVarHandle(Waiter.class, "next", Waiter.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
