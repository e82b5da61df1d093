package org.fibers.channels;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.fibers.operations.OpState;
import org.fibers.operations.Resumer;
import org.fibers.operations.SoloState;

/**
 * A lock-free FIFO of waiters (one direction of a channel): published puts or gets, each an
 * op-state, a resumer and, for puts, the message (one object for a single-branch perform).
 */
final class WaitQueue extends WaitQueuePadAfterHead {
    /*
     * Implementation notes.
     *
     * A Michael-Scott queue (PODC 1996) with a dummy head node and a lagging tail, plus lazy
     * removal of dead nodes; the tail is moved only when it lags (ConcurrentLinkedQueue's
     * slack), so it may trail the last node by a node or two. A node is dead once its
     * op-state is SYNCED (it was served, or its performer chose another branch or withdrew);
     * deadness never reverts. Nodes are never removed by their own performer: they are
     *   - popped at the head (CAS head from h to h.next) by any party that finds h.next dead
     *     or has just served it, the popped node becoming the new dummy;
     *   - unlinked in the middle by sweep(), which CASes pred.next from a dead node n to n.next,
     *     and runs every "threshold" enqueues so that a loop of choice(get, timeout) that always
     *     times out leaves at most about max(64, live waiters) dead nodes behind.
     *
     * Why unlinking is safe without marking: next pointers only ever point to nodes appended
     * later, and unlinking only skips a dead node, so every live node stays reachable from every
     * node appended before it, attached or not. A concurrent unlink may re-attach ("resurrect")
     * a dead node; that is benign, a later sweep or pop removes it. A node whose next is null is
     * never unlinked, so appends (CAS of the last node's next from null) always land in the
     * list, and a lagging head or tail that points at a detached node still leads forward to it.
     *
     * Memory ordering: next, head and tail are volatile (CAS with VarHandles); a node's fields
     * other than next are written before the node is published by the CAS of next. The message
     * field is read and cleared only by the party that moved the node's op-state to SYNCED.
     *
     * Layout: head and tail sit on separate cache lines (WaitQueuePadding), because takers and
     * enqueuers usually run on different cores. A single-branch perform's node is its op-state
     * (SoloWaiter), so a taker's trySync, its read of the message and its delivery of the
     * result all touch one object that the waiter allocated and spins on.
     */

    /**
     * One published waiter. A blocked perform whose only branch is this channel operation is
     * one {@link SoloWaiter} (op-state, resumer and node in one object: the peer that completes
     * it touches one object); a branch of a choice is a {@link BranchWaiter} beside the
     * choice's shared op-state.
     */
    interface Node {
        /** The performer's op-state; dead once it is SYNCED. Null only for the first dummy. */
        OpState state();

        /** Resumes the performer through the branch that published this node. */
        void resume(Object value);

        /** The message of a put; read and cleared by the party that commits this node. */
        Object message();

        void setMessage(Object message);

        /** Reads and clears the message; only the party that committed this node calls it. */
        default Object takeMessage() {
            Object m = message();
            setMessage(null);
            return m;
        }

        /** Successor in append order; null only for the last node (a volatile read). */
        Node next();

        boolean casNext(Node expected, Node update);
    }

    /** The op-state of a single-branch channel perform, doubling as its queue node. */
    static final class SoloWaiter extends SoloState implements Node {
        private Object message;
        private volatile Node next;

        SoloWaiter(Thread owner) {
            super(owner);
        }

        @Override
        public OpState state() {
            return this;
        }

        @Override
        public Object message() {
            return message;
        }

        @Override
        public void setMessage(Object message) {
            this.message = message;
        }

        @Override
        public Node next() {
            return next;
        }

        @Override
        public boolean casNext(Node expected, Node update) {
            return SOLO_NEXT.compareAndSet(this, expected, update);
        }
    }

    /** One branch of a choice (or the first dummy): a node beside the shared op-state. */
    static final class BranchWaiter implements Node {
        private final OpState state;
        private final Resumer<Object> resume;
        private Object message;
        private volatile Node next;

        BranchWaiter(OpState state, Resumer<Object> resume) {
            this.state = state;
            this.resume = resume;
        }

        @Override
        public OpState state() {
            return state;
        }

        @Override
        public void resume(Object value) {
            resume.resume(value);
        }

        @Override
        public Object message() {
            return message;
        }

        @Override
        public void setMessage(Object message) {
            this.message = message;
        }

        @Override
        public Node next() {
            return next;
        }

        @Override
        public boolean casNext(Node expected, Node update) {
            return BRANCH_NEXT.compareAndSet(this, expected, update);
        }
    }

    private static final int MIN_SWEEP_PERIOD = 64;

    /*
     *   head (dummy) -> n1 -> n2 -> ... -> last (next == null)      tail: last, or lagging behind
     *
     * A node's life:  appended (op-state W or C: live)
     *                   --its op-state becomes S--> dead (still linked)
     *                   --pop at the head (becomes the dummy) or sweep unlink--> detached
     */

    /** The last node, or a node before it (lagging, usually by one); only a hint for enqueue. */
    private volatile Node tail;
    /** Enqueues since the last sweep. Benign race: plain, approximate. */
    private int enqueuesSinceSweep;
    /** Enqueues between sweeps: max(64, live nodes seen by the last sweep). Plain, approximate. */
    private int sweepPeriod = MIN_SWEEP_PERIOD;

    WaitQueue() {
        Node dummy = new BranchWaiter(null, null);
        head = dummy;
        tail = dummy;
    }

    /**
     * Appends {@code node} at the tail; sometimes sweeps dead nodes first. The tail is moved
     * only when it lagged (the append landed after a node other than the tail read), as in
     * java.util.concurrent's ConcurrentLinkedQueue: the tail then trails the last node by at
     * most one or two nodes, for half the tail CASes.
     */
    void enqueue(Node node) {
        if (++enqueuesSinceSweep >= sweepPeriod) {
            enqueuesSinceSweep = 0;
            sweepPeriod = Math.max(MIN_SWEEP_PERIOD, sweep());
        }
        Node t = tail;
        Node p = t;
        for (;;) {
            Node next = p.next();
            if (next == null) {
                if (p.casNext(null, node)) {
                    if (p != t) {
                        // The tail lagged: move it to our node. A failure means another
                        // enqueuer moved it on already.
                        TAIL.weakCompareAndSet(this, t, node);
                    }
                    return;
                }
                // Lost the race to append after p: p.next is set now; go on from there.
            } else if (p != t && t != (t = tail)) {
                p = t;                          // the tail moved on meanwhile: jump to it
            } else {
                p = next;                       // hop towards the last node
            }
        }
    }

    /** Pops {@code h}'s successor if {@code h} is still the head; true if this call did. */
    boolean pop(Node h, Node next) {
        // Fails if another party popped (or the head moved past) already: nothing to do then.
        return HEAD.compareAndSet(this, h, next);
    }

    /** Unlinks dead nodes in the middle; returns the number of live nodes seen. */
    int sweep() {
        int live = 0;
        Node p = head;
        Node n = p.next();
        while (n != null) {
            Node after = n.next();
            if (after != null && n.state().isSynced()) {
                // Failure means p.next changed (another sweep); either way move on from p.
                p.casNext(n, after);
                n = p.next();
                if (n == null) {
                    break;
                }
                continue;
            }
            if (!n.state().isSynced()) {
                live++;
            }
            p = n;
            n = after;
        }
        return live;
    }

    /** Live nodes currently linked (for tests and monitoring; racy). */
    int liveSize() {
        int count = 0;
        for (Node n = head.next(); n != null; n = n.next()) {
            if (!n.state().isSynced()) {
                count++;
            }
        }
        return count;
    }

    /** Nodes currently linked, live or dead (for tests and monitoring; racy). */
    int size() {
        int count = 0;
        for (Node n = head.next(); n != null; n = n.next()) {
            count++;
        }
        return count;
    }

    // VarHandle mechanics
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle SOLO_NEXT;
    private static final VarHandle BRANCH_NEXT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(WaitQueueHead.class, "head", Node.class);
            TAIL = l.findVarHandle(WaitQueue.class, "tail", Node.class);
            SOLO_NEXT = l.findVarHandle(SoloWaiter.class, "next", Node.class);
            BRANCH_NEXT = l.findVarHandle(BranchWaiter.class, "next", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
