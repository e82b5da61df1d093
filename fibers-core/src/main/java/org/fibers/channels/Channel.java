package org.fibers.channels;

import org.fibers.introspect.WaitDescription;
import org.fibers.operations.BaseOperation;
import org.fibers.operations.OpState;
import org.fibers.operations.Operation;
import org.fibers.operations.Resumer;
import org.fibers.operations.SoloState;
import org.fibers.scheduler.Scheduler;
import org.fibers.channels.WaitQueue.BranchWaiter;
import org.fibers.channels.WaitQueue.Node;
import org.fibers.channels.WaitQueue.SoloWaiter;

/**
 * An unbuffered rendezvous channel (Guile's {@code make-channel}): a put completes only together
 * with a get, which receives its message. Thread-safe and lock-free; senders and receivers may be
 * fibers on any schedulers or plain platform threads, in any mix. Waiting senders are served in
 * the order they started waiting, and so are waiting receivers.
 *
 * <p>{@link #putOperation} and {@link #getOperation} are {@link Operation}s, so they combine with
 * timeouts and other channels in a {@link Operation#choice choice}; a branch that loses leaves
 * nothing behind: its message is neither delivered nor consumed. {@link #put} and {@link #get}
 * perform them directly.
 *
 * <p>Memory effects: actions before a {@code put} happen-before actions after the matching
 * {@code get} returns, and actions before a {@code get} commits happen-before the matching
 * {@code put} returns.
 *
 * @param <T> the message type; null messages are allowed
 */
public final class Channel<T> {
    /*
     * Implementation notes.
     *
     * Parallel CML channels (Reppy, Russo, Xiao, ICFP 2009), as in Guile's channels.scm, with
     * the persistent deques in atomic boxes replaced by two lock-free Michael-Scott queues of
     * waiters (WaitQueue): putq holds published puts, getq published gets.
     *
     * try (no op-state of our own yet): look at the oldest waiter on the opposite queue and
     * commit it alone with trySync() (W->S; spin while C; S means it is stale: pop it, look at
     * the next). Success: pop it, hand over the message, resume it, done without blocking.
     *
     * block (our op-state is now shared by all our branches): first publish our node, then
     * service the opposite queue, because of the responsibility rule of the paper: an operation
     * published after ours will find our node in its own service step, but one published before
     * ours may have missed us, so we must find it. Servicing skips our own nodes (the same
     * choice may hold a put and a get on this channel) and dead ones, and commits a live one
     * with OpState.commit(mine, theirs): claim ours W->C, then theirs W->S, then ours C->S.
     * The outcomes: COMMITTED (resume both, we will not park), MINE_DONE (someone completed us
     * meanwhile: stop), THEIRS_DONE (that waiter is stale: look at the next one).
     *
     * Stale waiters are dropped by head pops during try and service, and by the queue's sweep.
     *
     * Nodes: a perform whose only branch is a put or get of this channel gets its op-state from
     * newSoloState as a SoloWaiter, which block() recognises (state == resume) and enqueues as
     * the node itself; a branch of a choice gets a BranchWaiter beside the shared op-state.
     */

    /** Published puts (nodes carry the message). */
    private final WaitQueue putq = new WaitQueue();
    /** Published gets. */
    private final WaitQueue getq = new WaitQueue();
    /** Stateless, so one instance serves every get. */
    private final GetOperation getOp = new GetOperation();

    /** A fresh channel. */
    public Channel() {
    }

    /**
     * An operation that completes, yielding null, when a receiver takes {@code message}
     * (Guile's {@code put-operation}).
     */
    public Operation<Void> putOperation(T message) {
        return new PutOperation(message);
    }

    /** An operation that completes with a message from a sender (Guile's {@code get-operation}). */
    public Operation<T> getOperation() {
        return getOp;
    }

    /**
     * Sends {@code message}: hands it to a waiting receiver, or waits for one (suspending the
     * fiber or blocking the thread). Guile's {@code put-message}.
     *
     * @throws org.fibers.FiberCancelledException if interrupted while waiting; the message was
     *         then not delivered
     */
    public void put(T message) {
        Scheduler.preemptionPoint();
        if (!handToWaitingGet(message)) {       // the try step, without allocating an operation
            new PutOperation(message).block();
        }
    }

    /**
     * Receives a message: takes it from a waiting sender, or waits for one. Guile's
     * {@code get-message}.
     *
     * @throws org.fibers.FiberCancelledException if interrupted while waiting; no message was
     *         then consumed
     */
    public T get() {
        return getOp.perform();
    }

    /** Waiter entries held by the two queues, live or stale not yet swept (tests, monitoring). */
    int queuedEntries() {
        return putq.size() + getq.size();
    }

    /** Parties waiting now: live entries of the two queues (tests, monitoring; racy). */
    int waitingParties() {
        return putq.liveSize() + getq.liveSize();
    }

    @Override
    public String toString() {
        return "Channel@" + Integer.toHexString(System.identityHashCode(this));
    }

    /** Try step of a put: commit the oldest live get alone and hand it the message. */
    private boolean handToWaitingGet(Object message) {
        Node get = takeOldest(getq);
        if (get == null) {
            return false;
        }
        get.resume(message);
        return true;
    }

    /** Try phase against one queue: commit its oldest live waiter alone. Null if none. */
    private static Node takeOldest(WaitQueue q) {
        for (;;) {
            Node h = q.head;
            Node n = h.next();
            if (n == null) {
                return null;
            }
            if (n.state().trySync()) {
                q.pop(h, n);                    // it is dead now; pop it unless someone did
                return n;                       // W->S was ours: we alone serve this node
            }
            q.pop(h, n);                        // S: stale waiter; pop it and look again
        }
    }

    /**
     * Service step: commit the oldest live waiter on {@code q} that is not ours, together with
     * our own op-state. Returns the committed node (both states are then SYNCED), or null.
     */
    private static Node serve(WaitQueue q, OpState mine) {
        Node h = q.head;
        Node p = h;
        for (Node n = p.next(); n != null; p = n, n = n.next()) {
            OpState theirs = n.state();
            if (theirs == mine) {
                continue;                       // our own branch of the same choice: skip
            }
            if (!theirs.isSynced()) {
                switch (OpState.commit(mine, theirs)) {
                    case COMMITTED:
                        if (p == h) {
                            q.pop(h, n);
                        }
                        return n;
                    case MINE_DONE:
                        return null;            // a peer completed us meanwhile: nothing to do
                    case THEIRS_DONE:
                        break;                  // stale after all: drop it below, go on
                }
            }
            if (p == h && q.pop(h, n)) {
                h = n;                          // dead node at the head: popped, n is the dummy
            }
        }
        return null;
    }

    /**
     * The queue node for a branch: the op-state itself when this operation is the perform's
     * only branch (it made the state, see newSoloState), else a node beside the shared state.
     */
    @SuppressWarnings("unchecked")
    private static Node waiter(OpState state, Resumer<?> resume) {
        if (state == resume && state instanceof SoloWaiter solo) {
            return solo;
        }
        return new BranchWaiter(state, (Resumer<Object>) resume);
    }

    /** A put or a get: a perform with it as its only branch waits as one SoloWaiter. */
    private abstract static class ChannelOperation<R> extends BaseOperation<R> {
        @Override
        protected SoloState newSoloState(Thread owner) {
            return new SoloWaiter(owner);
        }
    }

    /** A put: try hands the message to a waiting get; block publishes a put node. */
    private final class PutOperation extends ChannelOperation<Void> {
        private final T message;

        PutOperation(T message) {
            this.message = message;
        }

        @Override
        protected Object tryPerform() {
            return handToWaitingGet(message) ? null : NOT_READY;
        }

        /** put() after its own try step failed. */
        void block() {
            performBlocking();
        }

        @Override
        protected Runnable block(OpState state, Resumer<? super Void> resume) {
            Node self = waiter(state, resume);
            self.setMessage(message);           // published by the enqueue's CAS
            putq.enqueue(self);
            Node get = serve(getq, state);
            if (get != null) {
                get.resume(message);
                self.resume(null);
            }
            return null;                        // stale put nodes are swept lazily
        }

        @Override
        public WaitDescription describeWait(long blockedSinceNanos) {
            return WaitDescription.of("channel-put", WaitDescription.identity("channel", Channel.this));
        }
    }

    /** A get: try takes a waiting put's message; block publishes a get node. */
    private final class GetOperation extends ChannelOperation<T> {
        @Override
        protected Object tryPerform() {
            Node put = takeOldest(putq);
            if (put == null) {
                return NOT_READY;
            }
            Object m = put.takeMessage();       // we committed it: nobody else reads it
            put.resume(null);
            return m;
        }

        @Override
        protected Runnable block(OpState state, Resumer<? super T> resume) {
            Node self = waiter(state, resume);
            getq.enqueue(self);
            Node put = serve(putq, state);
            if (put != null) {
                Object m = put.takeMessage();
                put.resume(null);
                self.resume(m);
            }
            return null;                        // stale get nodes are swept lazily
        }

        @Override
        public WaitDescription describeWait(long blockedSinceNanos) {
            return WaitDescription.of("channel-get", WaitDescription.identity("channel", Channel.this));
        }
    }
}
