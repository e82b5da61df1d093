package org.fibers.channels;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.fibers.operations.BaseOperation;
import org.fibers.operations.OpState;
import org.fibers.operations.Operation;
import org.fibers.operations.Resumer;

/**
 * A channel with a buffer of fixed capacity (Go's {@code make(chan T, n)}, Kotlin's
 * {@code Channel(n)}): a put completes at once while the buffer has room (or a receiver is
 * waiting), a get at once while a message is buffered (or a sender is waiting); otherwise they
 * wait. Messages are received in the order their puts completed; waiting senders and waiting
 * receivers are each served first come, first served. Thread-safe; fibers on any schedulers
 * and platform threads may mix.
 *
 * <p>{@link #putOperation} and {@link #getOperation} are {@link Operation}s that compose in a
 * {@link Operation#choice choice} with any other operation; a losing branch leaves nothing
 * behind (its message is neither buffered nor consumed).
 *
 * <p><b>Closing</b> ({@link #close()}): afterwards every send fails with
 * {@link ChannelClosedException}, and so do the senders waiting at that moment (their messages
 * are not buffered). Receivers first drain the buffered messages, then see the end:
 * {@link #get()} and {@link #getOperation()} throw {@code ChannelClosedException},
 * {@link #getOrEndOperation()} yields an empty {@code Optional}, iteration stops. In a choice,
 * a closed channel's put branch is always ready (and throws if picked), and so is its get
 * branch (it yields a buffered message while there are any, then the end).
 *
 * <p><b>Without waiting</b>: {@link #tryPut} and {@link #tryGet}; {@link Operation#poll()} for
 * any operation or choice.
 *
 * <p>Memory effects: actions before a {@code put} happen-before actions after the {@code get}
 * that receives its message; actions before {@code close()} happen-before a receive that sees
 * the end or a send refused because of it.
 *
 * @param <T> the message type; null messages are rejected (so that
 *        {@link #getOrEndOperation()} is unambiguous)
 */
public final class BufferedChannel<T> implements Iterable<T> {
    /*
     * Implementation notes.
     *
     * One lock guards the buffer, the two waiter queues and the closed flag; it is held only for
     * a few steps that never park, so a holder never waits for a fiber that is off its carrier.
     * The Parallel CML protocol (see Channel and OpState) still decides who completes whom:
     *   - a try step commits a waiter alone, OpState.trySync (W->S; spins while C; false means
     *     stale: drop it and look at the next);
     *   - a block step that completes a waiter together with its own perform uses
     *     OpState.commit(mine, theirs): COMMITTED resumes both, MINE_DONE means another branch
     *     of our choice won meanwhile (publish nothing), THEIRS_DONE drops a stale waiter;
     *   - a block step that completes alone (room in the buffer, a buffered message, the end)
     *     first moves its own state W->S with trySync; false means another branch won: stop.
     * A thread holds at most one channel lock at a time (branches are published one after the
     * other), and commit never waits for a lock, so locks and claims cannot deadlock.
     *
     * Invariant under the lock, apart from stale waiters: getters wait only while the buffer is
     * empty, putters only while it is full (a get that takes a message moves the oldest waiting
     * putter's message into the freed slot). Stale waiters are removed by their performers'
     * withdraw actions, so a loop of choice(get, timeout) leaves nothing behind.
     */

    /** The buffer's size limit, at least 1. */
    private final int capacity;
    /** Guards every field below. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Buffered messages, oldest first. */
    private final ArrayDeque<Object> items;
    /** Waiting puts, oldest first (each with its message). */
    private final ArrayDeque<Waiter> putters = new ArrayDeque<>();
    /** Waiting gets, oldest first. */
    private final ArrayDeque<Waiter> getters = new ArrayDeque<>();
    /**
     * Open or closed; written under the lock.
     * <pre>
     *   false --close()--&gt; true     (never back)
     * </pre>
     */
    private boolean closed;

    /** Stateless, so one instance serves every get; yields messages or Closing.END raw. */
    private final GetOperation getOp = new GetOperation();
    /** getOp as users see it: throws at the end. */
    private final Operation<T> getOrThrow = cast(getOp.wrap(Closing.GET));
    /** getOp yielding an Optional, empty at the end. */
    private final Operation<Optional<T>> getOrEnd = cast(getOp.wrap(Closing.GET_OR_END));

    /**
     * A channel buffering up to {@code capacity} messages.
     *
     * @param capacity at least 1 (a rendezvous channel is {@link Channel})
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public BufferedChannel(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1 (for 0 use Channel): " + capacity);
        }
        this.capacity = capacity;
        this.items = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /** {@return the capacity given at construction} */
    public int capacity() {
        return capacity;
    }

    /** {@return messages buffered now (racy: for monitoring and tests)} */
    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@return an operation that completes, yielding null, once {@code message} is buffered or handed to
     * a receiver; performing it throws {@link ChannelClosedException} if the channel is closed
     * first}
     *
     * @param message the message to send, not null
     * @throws NullPointerException if {@code message} is null
     */
    public Operation<Void> putOperation(T message) {
        return new PutOperation(Objects.requireNonNull(message, "message")).wrap(Closing.PUT);
    }

    /** {@return an operation yielding the next message; performing it throws {@link ChannelClosedException} at the end} */
    public Operation<T> getOperation() {
        return getOrThrow;
    }

    /** {@return an operation yielding the next message, or an empty {@code Optional} at the end} */
    public Operation<Optional<T>> getOrEndOperation() {
        return getOrEnd;
    }

    /**
     * Sends {@code message}, waiting while the buffer is full.
     *
     * @param message the message to send, not null
     * @throws ChannelClosedException if the channel is or gets closed before the message was
     *         buffered or received
     * @throws org.fibers.FiberCancelledException if interrupted while waiting (not sent)
     * @throws NullPointerException if {@code message} is null
     */
    public void put(T message) {
        putOperation(message).perform();
    }

    /**
     * Receives the next message, waiting while none is buffered.
     *
     * @return the oldest buffered message
     * @throws ChannelClosedException if the channel is closed and drained
     * @throws org.fibers.FiberCancelledException if interrupted while waiting (nothing consumed)
     */
    public T get() {
        Object m = getOp.perform();
        if (m == Closing.END) {
            throw Closing.ended();
        }
        return cast(m);
    }

    /**
     * Sends {@code message} only if that needs no waiting (room in the buffer, or a waiting
     * receiver).
     *
     * @param message the message to send, not null
     * @return true if sent, false if the buffer was full (nothing sent)
     * @throws ChannelClosedException if the channel is closed
     * @throws NullPointerException if {@code message} is null
     */
    public boolean tryPut(T message) {
        Object r = new PutOperation(Objects.requireNonNull(message, "message")).tryPerform();
        if (r == Closing.REFUSED) {
            throw Closing.refused();
        }
        return r != BaseOperation.NOT_READY;
    }

    /**
     * Receives a message only if one is buffered or a sender is waiting.
     *
     * @return the message, or empty if none was ready
     * @throws ChannelClosedException if the channel is closed and drained
     */
    public Optional<T> tryGet() {
        Object m = getOp.tryPerform();
        if (m == Closing.END) {
            throw Closing.ended();
        }
        return m == BaseOperation.NOT_READY ? Optional.empty() : Optional.of(cast(m));
    }

    /**
     * Closes the channel; see the class comment. Waiting senders get
     * {@link ChannelClosedException}; waiting receivers (the buffer is then empty) see the
     * end. Idempotent; never blocks for long.
     */
    public void close() {
        lock.lock();
        try {
            closed = true;
            for (Waiter w; (w = putters.poll()) != null; ) {
                if (w.state.trySync()) {        // W->S: ours to refuse; false: stale, dropped
                    w.resume.resume(Closing.REFUSED);
                }
            }
            for (Waiter w; (w = getters.poll()) != null; ) {
                if (w.state.trySync()) {        // W->S: ours to end; false: stale, dropped
                    w.resume.resume(Closing.END);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@return true once {@link #close()} was called} */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Receives messages until the channel is closed and drained; one iterator per consumer. */
    @Override
    public Iterator<T> iterator() {
        return new ReceivingIterator<>(getOp::perform);
    }

    @Override
    public String toString() {
        return "BufferedChannel@" + Integer.toHexString(System.identityHashCode(this)) + "(capacity " + capacity + ")";
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }

    /** Under the lock: the oldest live waiter of {@code q} committed alone, or null. */
    private static Waiter takeLive(ArrayDeque<Waiter> q) {
        for (Waiter w; (w = q.poll()) != null; ) {
            if (w.state.trySync()) {
                return w;                       // W->S by us: we alone complete it
            }                                   // S: stale (another branch won): dropped
        }
        return null;
    }

    /**
     * Under the lock: the oldest live waiter of {@code q} that is not ours, committed together
     * with {@code mine} (returned; both are SYNCED), {@link OpState.Commit#MINE_DONE} if our
     * own perform completed meanwhile, or null if there is none.
     */
    private static Object serve(ArrayDeque<Waiter> q, OpState mine) {
        for (Iterator<Waiter> it = q.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.state == mine) {
                continue;                       // our own branch of the same choice: skip
            }
            switch (OpState.commit(mine, w.state)) {
                case COMMITTED:
                    it.remove();
                    return w;                   // both SYNCED: resume both
                case MINE_DONE:
                    return OpState.Commit.MINE_DONE; // another branch of ours won: stop
                case THEIRS_DONE:
                    it.remove();                // stale: drop it, look further
                    break;
            }
        }
        return null;
    }

    /** Under the lock: after a message left the buffer, move the oldest live putter's in. */
    private void refill() {
        Waiter p = takeLive(putters);
        if (p != null) {
            items.add(p.message);
            p.resume.resume(null);
        }
    }

    /** Withdraws a waiter whose perform completed elsewhere or was cancelled. */
    private Runnable withdraw(ArrayDeque<Waiter> q, Waiter w) {
        return () -> {
            lock.lock();
            try {
                q.remove(w);
            } finally {
                lock.unlock();
            }
        };
    }

    /** A published put or get. */
    private record Waiter(OpState state, Resumer<Object> resume, Object message) {
    }

    /** A put: raw result null (sent) or Closing.REFUSED. */
    private final class PutOperation extends BaseOperation<Object> {
        private final Object message;

        PutOperation(Object message) {
            this.message = message;
        }

        @Override
        protected Object tryPerform() {
            lock.lock();
            try {
                if (closed) {
                    return Closing.REFUSED;
                }
                Waiter g = takeLive(getters);
                if (g != null) {
                    g.resume.resume(message);
                    return null;
                }
                if (items.size() < capacity) {
                    items.add(message);
                    return null;
                }
                return NOT_READY;
            } finally {
                lock.unlock();
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        protected Runnable block(OpState state, Resumer<? super Object> resume) {
            lock.lock();
            try {
                if (closed) {
                    if (state.trySync()) {      // W->S: refused; false: another branch won
                        resume.resume(Closing.REFUSED);
                    }
                    return null;
                }
                Object g = serve(getters, state);
                if (g == OpState.Commit.MINE_DONE) {
                    return null;
                }
                if (g != null) {
                    ((Waiter) g).resume.resume(message);
                    resume.resume(null);
                    return null;
                }
                if (items.size() < capacity) {
                    if (state.trySync()) {      // W->S: the slot is ours; false: lost elsewhere
                        items.add(message);
                        resume.resume(null);
                    }
                    return null;
                }
                Waiter self = new Waiter(state, (Resumer<Object>) resume, message);
                putters.add(self);
                return withdraw(putters, self);
            } finally {
                lock.unlock();
            }
        }
    }

    /** A get: raw result a message or Closing.END. */
    private final class GetOperation extends BaseOperation<Object> {
        @Override
        protected Object tryPerform() {
            lock.lock();
            try {
                Object m = items.poll();
                if (m != null) {
                    refill();
                    return m;
                }
                return closed ? Closing.END : NOT_READY;
            } finally {
                lock.unlock();
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        protected Runnable block(OpState state, Resumer<? super Object> resume) {
            lock.lock();
            try {
                if (!items.isEmpty()) {
                    if (state.trySync()) {      // W->S: the message is ours; false: lost elsewhere
                        Object m = items.poll();
                        refill();
                        resume.resume(m);
                    }
                    return null;
                }
                if (closed) {
                    if (state.trySync()) {      // W->S: the end; false: another branch won
                        resume.resume(Closing.END);
                    }
                    return null;
                }
                Waiter self = new Waiter(state, (Resumer<Object>) resume, null);
                getters.add(self);
                return withdraw(getters, self);
            } finally {
                lock.unlock();
            }
        }
    }
}
