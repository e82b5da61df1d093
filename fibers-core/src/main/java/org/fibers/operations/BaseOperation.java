package org.fibers.operations;

import java.util.function.Function;
import org.fibers.introspect.WaitDescription;

/**
 * A primitive operation, defined by a try function and a block function as in Guile's
 * {@code make-base-operation}. <b>Low-level API</b>: needed only to write new kinds of
 * operations (channels, timers and conditions are built on it); everyday code composes
 * existing operations with {@link Operation#wrap}, {@link Operation#choice} and friends.
 *
 * <p>{@link Operation#perform()} runs in two phases:
 * <ol>
 * <li><b>try</b>: {@link #tryPerform()} is called on every branch (from a random start). It must
 *     not block and must either complete the operation now, returning its raw result, or return
 *     {@link #NOT_READY} having changed nothing. Nothing is allocated by {@code perform} in this
 *     phase.</li>
 * <li><b>block</b>: if no branch succeeded, {@code perform} allocates one {@link OpState} and calls
 *     {@link #block(OpState, Resumer)} on every branch, then parks. A block function publishes a
 *     waiter (the op-state and the resumer) where the event it waits for will find it, and may
 *     complete the operation at once if it now can (a peer arrived since the try phase). Whoever
 *     completes it moves the op-state to SYNCED first and then calls the resumer, once.</li>
 * </ol>
 *
 * <p>Both functions run in the performing thread, which may be a fiber or a platform thread;
 * they must be short and must never park. A block function may return a {@link Runnable} that
 * withdraws its waiter eagerly; {@code perform} runs it when another branch wins or the perform
 * is cancelled (stale waiters must otherwise be dropped lazily, by checking
 * {@link OpState#isSynced()}).
 *
 * @param <T> the raw result type
 */
public abstract class BaseOperation<T> extends Operation<T> {
    /*
     * Implementation notes. A BaseOperation is a leaf of the operation tree with no wrap
     * function. Wrapping yields a Wrapped (base + composed function), choice yields a Choice
     * over (base, wrap) pairs; see Performer for the protocol driver.
     */

    /**
     * Returned by a try function that could not complete the operation. Compared by identity,
     * so it never clashes with a real result.
     */
    public static final Object NOT_READY = new Object();

    /**
     * {@return what a fiber blocked on this operation waits for, for introspection dumps} The default
     * names the class; channels, timers, conditions and fibers-io's operations say more.
     * Called from any thread while a perform waits: cheap, never blocking.
     *
     * @param blockedSinceNanos {@link System#nanoTime()} when the perform parked, or 0 if it
     *                          has not parked yet (a relative timer measures from it)
     */
    public WaitDescription describeWait(long blockedSinceNanos) {
        return WaitDescription.of("operation", getClass().getName());
    }

    /** Subclasses are operations of their own kind; see the class comment. */
    protected BaseOperation() {
    }

    /**
     * Try to complete the operation now without blocking.
     *
     * @return the raw result, of type {@code T} (may be null), or {@link #NOT_READY} having
     *         changed nothing
     */
    protected abstract Object tryPerform();

    /**
     * Publish a waiter for this operation; see the class comment. Called at most once per
     * perform, after every branch's try failed.
     *
     * @param state  the perform's shared op-state (the same object for every branch)
     * @param resume resumes the performer with this branch's raw result
     * @return an action that withdraws the waiter when another branch wins, or null
     */
    protected abstract Runnable block(OpState state, Resumer<? super T> resume);

    /**
     * {@return the op-state of a perform whose only branch is this operation, owned by {@code owner}
     * (the calling thread)} The default is a plain {@link SoloState}; override to return a
     * subclass that {@link #block} then uses as its waiter record as well (see
     * {@link SoloState}). Called at most once per perform, just before {@link #block}.
     *
     * @param owner the performing thread
     */
    protected SoloState newSoloState(Thread owner) {
        return new SoloState(owner);
    }

    @Override
    @SuppressWarnings("unchecked")
    public final T perform() {
        Performer.preemptionPoint();
        Object r = tryPerform();
        if (r != NOT_READY) {
            return (T) r;
        }
        return Performer.blockOne(this, null);
    }

    /**
     * {@return the block phase of {@link #perform()} alone: for a subclass's own entry point that has
     * called {@link org.fibers.scheduler.Scheduler#preemptionPoint()} and run the try step
     * itself, allocation-free, and found it {@link #NOT_READY} (as {@code Channel.put} does)}
     * Publishes this operation's waiter and blocks until the operation completes.
     */
    protected final T performBlocking() {
        return Performer.blockOne(this, null);
    }

    @Override
    public final <R> Operation<R> wrap(Function<? super T, ? extends R> f) {
        return new Wrapped<>(this, Wrapped.erase(f));
    }

    @Override
    void flatten(Flat into) {
        into.add(this, null);
    }

    @Override
    final boolean isStatic() {
        return true;
    }

    /**
     * The try function of {@link Operation#base}.
     *
     * @param <T> the type of the raw result
     */
    @FunctionalInterface
    public interface TryFn<T> {
        /** {@return the raw result (a {@code T}) or {@link BaseOperation#NOT_READY}; see {@link BaseOperation#tryPerform()}} */
        Object tryPerform();
    }

    /**
     * The block function of {@link Operation#base}.
     *
     * @param <T> the type of the value the resumer delivers
     */
    @FunctionalInterface
    public interface BlockFn<T> {
        /**
         * See {@link BaseOperation#block(OpState, Resumer)}.
         *
         * @param state the perform's op-state, to publish with the waiter
         * @param resume what a completer calls, once, with the value
         * @return the cleanup that removes the waiter when another branch wins, or null for none
         */
        Runnable block(OpState state, Resumer<? super T> resume);
    }

    /** {@link Operation#base} without a wrap function. */
    static final class Of<T> extends BaseOperation<T> {
        private final TryFn<T> tryFn;
        private final BlockFn<T> blockFn;

        Of(TryFn<T> tryFn, BlockFn<T> blockFn) {
            this.tryFn = tryFn;
            this.blockFn = blockFn;
        }

        @Override
        protected Object tryPerform() {
            return tryFn.tryPerform();
        }

        @Override
        protected Runnable block(OpState state, Resumer<? super T> resume) {
            return blockFn.block(state, resume);
        }
    }
}
