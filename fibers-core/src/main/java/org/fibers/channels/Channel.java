package org.fibers.channels;

import java.util.Iterator;
import java.util.Optional;
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
 * <p><b>Closing</b> ({@link #close()}, Go's {@code close}, Kotlin's {@code close}): afterwards
 * every send fails with {@link ChannelClosedException}, and so do the senders waiting at that
 * moment (their messages are not delivered: a rendezvous channel holds no message, so there is
 * nothing left to drain). Receivers then see the end: {@link #get()} and
 * {@link #getOperation()} throw {@code ChannelClosedException}, {@link #getOrEndOperation()}
 * yields an empty {@code Optional}, and iteration ({@code for (T m : channel)}) stops. In a
 * {@link Operation#choice choice}, a closed channel's put or get branch is always ready: the
 * choice may pick it (among other ready branches) and then throws, or yields the end, exactly
 * as performing that branch alone would.
 *
 * <p><b>Without waiting</b>: {@link #tryPut} and {@link #tryGet} complete only with a partner
 * already waiting; {@link Operation#poll()} does the same for any operation or choice.
 *
 * <p>Memory effects: actions before a {@code put} happen-before actions after the matching
 * {@code get} returns, and actions before a {@code get} commits happen-before the matching
 * {@code put} returns. Actions before {@code close()} happen-before a receive that sees the
 * end or a send refused because of it.
 *
 * @param <T> the message type; null messages are allowed (but {@link #getOrEndOperation()}
 *        cannot tell a null message from the end)
 */
public final class Channel<T> implements Iterable<T> {
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
     * Closing: close() sets closed, then commits every live waiter alone (trySync) and resumes
     * puts with REFUSED and gets with END (Closing's raw results, turned into an exception or
     * an empty Optional by the public operations' wrap functions). A put or get that blocks
     * checks closed after publishing its node: publish-then-read against close's
     * write-then-drain is a Dekker pair (all volatile or CAS), so either close's drain finds
     * the node or the blocker sees closed and drains itself. The try steps read closed only
     * when they found no partner (a get) or before looking (a put), so the rendezvous paths
     * pay one volatile read of a field that never changes while the channel is open.
     *
     * Nodes: a perform whose only branch is a put or get of this channel gets its op-state from
     * newSoloState as a SoloWaiter, which block() recognises (state == resume) and enqueues as
     * the node itself; a branch of a choice gets a BranchWaiter beside the shared op-state.
     */

    /**
     * Open or closed.
     * <pre>
     *   false --close()--&gt; true     (never back)
     * </pre>
     */
    private volatile boolean closed;

    /** Published puts (nodes carry the message). */
    private final WaitQueue putq = new WaitQueue();
    /** Published gets. */
    private final WaitQueue getq = new WaitQueue();
    /** Stateless, so one instance serves every get; yields messages or Closing.END raw. */
    private final GetOperation getOp = new GetOperation();
    /** getOp as users see it: throws at the end. */
    private final Operation<T> getOrThrow = cast(getOp.wrap(Closing.GET));
    /** getOp yielding an Optional, empty at the end. */
    private final Operation<Optional<T>> getOrEnd = cast(getOp.wrap(Closing.GET_OR_END));

    /** A fresh channel. */
    public Channel() {
    }

    /**
     * {@return an operation that completes, yielding null, when a receiver takes {@code message}
     * (Guile's {@code put-operation})} Performing it throws {@link ChannelClosedException} if
     * the channel is closed before a receiver took the message.
     *
     * @param message the message to hand over; may be null
     */
    public Operation<Void> putOperation(T message) {
        return new PutOperation(message).wrap(Closing.PUT);
    }

    /**
     * {@return an operation that completes with a message from a sender (Guile's {@code get-operation})}
     * Performing it throws {@link ChannelClosedException} once the channel is closed.
     */
    public Operation<T> getOperation() {
        return getOrThrow;
    }

    /**
     * {@return an operation that completes with a message from a sender, or with an empty
     * {@code Optional} once the channel is closed (Go's {@code v, ok := <-ch}, Kotlin's
     * {@code receiveCatching})} A null message also yields an empty {@code Optional}.
     */
    public Operation<Optional<T>> getOrEndOperation() {
        return getOrEnd;
    }

    /**
     * Closes the channel; see the class comment. Senders waiting now are resumed with
     * {@link ChannelClosedException}, receivers waiting now see the end. Idempotent,
     * non-blocking, callable from any thread.
     */
    public void close() {
        closed = true;                          // before the drain: see the implementation notes
        drainClosed();
    }

    /** {@return true once {@link #close()} was called} */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Hands {@code message} to a receiver that is waiting now, if there is one, without ever
     * waiting.
     *
     * @param message the message to hand over; may be null
     * @return true if a receiver took it, false if none was waiting (nothing was sent)
     * @throws ChannelClosedException if the channel is closed
     */
    public boolean tryPut(T message) {
        if (closed) {
            throw Closing.refused();
        }
        return handToWaitingGet(message);
    }

    /**
     * Takes a message from a sender that is waiting now, if there is one, without ever waiting.
     *
     * @return the message, or empty if no sender was waiting (also for a null message)
     * @throws ChannelClosedException if the channel is closed (no sender can be waiting then)
     */
    public Optional<T> tryGet() {
        Object m = getOp.tryPerform();
        if (m == Closing.END) {
            throw Closing.ended();
        }
        return m == BaseOperation.NOT_READY ? Optional.empty() : Optional.ofNullable(cast(m));
    }

    /**
     * Receives messages until the channel is closed: {@code hasNext()} waits for the next
     * message and is false once the channel is closed. Each iterator is for one consumer.
     */
    @Override
    public Iterator<T> iterator() {
        return new ReceivingIterator<>(getOp::perform);
    }

    /**
     * Sends {@code message}: hands it to a waiting receiver, or waits for one (suspending the
     * fiber or blocking the thread). Guile's {@code put-message}.
     *
     * @param message the message to hand over; may be null
     * @throws org.fibers.FiberCancelledException if interrupted while waiting; the message was
     *         then not delivered
     * @throws ChannelClosedException if the channel is or gets closed before a receiver took it
     */
    public void put(T message) {
        Scheduler.preemptionPoint();
        if (closed) {
            throw Closing.refused();
        }
        if (!handToWaitingGet(message)           // the try step, without allocating an operation
                && new PutOperation(message).block() == Closing.REFUSED) {
            throw Closing.refused();
        }
    }

    /**
     * Receives a message: takes it from a waiting sender, or waits for one. Guile's
     * {@code get-message}.
     *
     * @return the message a sender handed over
     * @throws org.fibers.FiberCancelledException if interrupted while waiting; no message was
     *         then consumed
     * @throws ChannelClosedException if the channel is closed (then no sender is left)
     */
    public T get() {
        Object m = getOp.perform();
        if (m == Closing.END) {
            throw Closing.ended();
        }
        return cast(m);
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

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object m) {
        return (T) m;
    }

    /** After close: commit every live waiter alone and resume it with the closed outcome. */
    private void drainClosed() {
        for (Node put; (put = takeOldest(putq)) != null; ) {
            put.takeMessage();                  // not delivered: do not retain it
            put.resume(Closing.REFUSED);
        }
        for (Node get; (get = takeOldest(getq)) != null; ) {
            get.resume(Closing.END);
        }
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
    private final class PutOperation extends ChannelOperation<Object> {
        private final T message;

        PutOperation(T message) {
            this.message = message;
        }

        @Override
        protected Object tryPerform() {
            if (closed) {
                return Closing.REFUSED;
            }
            return handToWaitingGet(message) ? null : NOT_READY;
        }

        /** put() after its own try step failed: null, or Closing.REFUSED. */
        Object block() {
            return performBlocking();
        }

        @Override
        protected Runnable block(OpState state, Resumer<? super Object> resume) {
            Node self = waiter(state, resume);
            self.setMessage(message);           // published by the enqueue's CAS
            putq.enqueue(self);
            Node get = serve(getq, state);
            if (get != null) {
                get.resume(message);
                self.resume(null);
            } else if (closed) {
                drainClosed();                  // close may have missed our node: see the notes
            }
            return null;                        // stale put nodes are swept lazily
        }

        @Override
        public WaitDescription describeWait(long blockedSinceNanos) {
            return WaitDescription.of("channel-put", WaitDescription.identity("channel", Channel.this));
        }
    }

    /** A get: try takes a waiting put's message; block publishes a get node. */
    private final class GetOperation extends ChannelOperation<Object> {
        @Override
        protected Object tryPerform() {
            Node put = takeOldest(putq);
            if (put == null) {
                return closed ? Closing.END : NOT_READY;
            }
            Object m = put.takeMessage();       // we committed it: nobody else reads it
            put.resume(null);
            return m;
        }

        @Override
        protected Runnable block(OpState state, Resumer<? super Object> resume) {
            Node self = waiter(state, resume);
            getq.enqueue(self);
            Node put = serve(putq, state);
            if (put != null) {
                Object m = put.takeMessage();
                put.resume(null);
                self.resume(m);
            } else if (closed) {
                drainClosed();                  // close may have missed our node: see the notes
            }
            return null;                        // stale get nodes are swept lazily
        }

        @Override
        public WaitDescription describeWait(long blockedSinceNanos) {
            return WaitDescription.of("channel-get", WaitDescription.identity("channel", Channel.this));
        }
    }
}
