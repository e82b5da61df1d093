package org.fibers.operations;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A first-class, composable communication: Concurrent ML's event, Guile Fibers' operation.
 *
 * <p>An operation describes something that may happen (a message arriving on a channel, a timer
 * expiring, a condition being signalled); {@link #perform()} waits until it happens and yields its
 * value. Operations compose: {@link #wrap} maps the value, {@link #choice} performs exactly one of
 * several operations (whichever can complete first), {@link #guard} builds the operation at the
 * moment it is performed, {@link #withNack} learns when its branch lost. Operation objects are
 * immutable descriptions: one can be performed many times, from any thread.
 *
 * <p>{@code perform()} works inside and outside fibers: it suspends the calling fiber, or blocks a
 * plain platform thread, until the operation completes. It throws no checked exceptions. If the
 * performing thread is interrupted (a fiber is cancelled) while blocked, every waiter it published
 * is withdrawn and {@link org.fibers.FiberCancelledException} is thrown with the interrupt status
 * still set; no message is consumed or delivered on its behalf. If a peer had already committed
 * the operation when the interrupt came, the value is not lost: {@code perform()} returns it
 * normally and leaves the interrupt status set.
 *
 * <p>Memory effects: actions of a thread before it completes its side of an operation (for a
 * channel, a put) happen-before the actions following the matching {@code perform()} return in
 * the other thread.
 *
 * @param <T> the type of the value the operation yields
 */
public abstract class Operation<T> {

    Operation() {
    }

    /**
     * Performs this operation: completes it at once if some branch can, otherwise suspends the
     * fiber (or blocks the thread) until one does. Calls the scheduler's preemption point first.
     *
     * @return the value of the branch that completed, after its wrap functions
     * @throws org.fibers.FiberCancelledException if interrupted while blocked, before any branch
     *         committed (interrupt status left set)
     */
    public abstract T perform();

    /**
     * Performs this operation only if some branch can complete at once, without suspending or
     * publishing anything (Go's {@code select} with a {@code default} case): every branch is
     * tried once and, if one is ready, it is taken (ready branches are tried from a random
     * start, so they share the wins); if none is, nothing happens and the result is empty.
     * Unlike {@code choice(op, always(d))}, which picks at random among all ready branches,
     * the default here is taken only when no branch of this operation is ready. Guards and
     * withNacks are instantiated; when nothing is ready every nack fires.
     *
     * <p>The value is wrapped with {@link Optional#ofNullable}, so a branch yielding null
     * reads as empty; use {@link #performOrElse} to tell the two apart.
     *
     * @return the value of the branch taken, or empty if none was ready
     */
    public final Optional<T> poll() {
        Object r = Performer.pollLeaves(this);
        @SuppressWarnings("unchecked")
        T value = r == BaseOperation.NOT_READY ? null : (T) r;
        return Optional.ofNullable(value);
    }

    /**
     * Like {@link #poll()}, but yields {@code defaultValue} when no branch is ready at once, and
     * a branch's null value as null.
     *
     * @param defaultValue returned, with nothing performed, when no branch can complete now
     * @return the value of the branch taken, or {@code defaultValue}
     */
    @SuppressWarnings("unchecked")
    public final T performOrElse(T defaultValue) {
        Object r = Performer.pollLeaves(this);
        return r == BaseOperation.NOT_READY ? defaultValue : (T) r;
    }

    /**
     * {@return an operation that performs this one and then applies {@code f} to its value, in the
     * performing thread} Guile's {@code wrap-operation}.
     *
     * @param <R> the type of the wrapped operation's value
     * @param f applied to this operation's value once it completed; what it throws, perform throws
     */
    public abstract <R> Operation<R> wrap(Function<? super T, ? extends R> f);

    /** Appends this operation's (base, wrap) leaves, instantiating guards and nacks. */
    abstract void flatten(Flat into);

    /** True if flattening is free of side effects (no guard or withNack inside). */
    abstract boolean isStatic();

    /**
     * {@return an operation that performs exactly one of {@code ops}: the first that can complete (trying
     * them from a random start, for fairness), or else whichever completes first while blocked}
     * No operation is chosen twice, and the branches that lose leave no trace. Guile's
     * {@code choice-operation}. With no arguments it is {@link #never()}.
     *
     * @param <T> the type of the chosen branch's value
     * @param ops the branches
     */
    @SafeVarargs
    @SuppressWarnings("varargs")
    public static <T> Operation<T> choice(Operation<? extends T>... ops) {
        return Choice.of(List.of(ops));
    }

    /**
     * {@link #choice(Operation[])} over a list.
     *
     * @param <T> the type of the chosen branch's value
     * @param ops the branches, in no particular order
     * @return an operation that performs exactly one of {@code ops}
     */
    public static <T> Operation<T> choice(List<? extends Operation<? extends T>> ops) {
        return Choice.of(List.copyOf(ops));
    }

    /**
     * {@return an operation built anew each time it is performed: {@code builder} runs at the start of
     * every {@code perform()} (CML's {@code guard})} Use it for operations whose construction
     * has effects, such as starting a request or reading the clock.
     *
     * @param <T> the type of the built operation's value
     * @param builder makes the operation to perform, once per perform
     */
    public static <T> Operation<T> guard(Supplier<? extends Operation<? extends T>> builder) {
        return new Guard<>(Objects.requireNonNull(builder));
    }

    /**
     * CML's {@code withNack}: at each {@code perform()}, {@code builder} is called with a fresh
     * <em>nack</em> operation and returns the operation to perform. If the performed choice
     * completes through some other branch, or the perform is cancelled or fails before any branch
     * completed, the nack becomes ready (it then stays ready). Servers use it to learn that a
     * client abandoned a request.
     *
     * @param <T> the type of the built operation's value
     * @param builder given the nack, makes the operation to perform, once per perform
     * @return the guarded operation
     */
    public static <T> Operation<T> withNack(
            Function<? super Operation<Void>, ? extends Operation<? extends T>> builder) {
        return new WithNack<>(Objects.requireNonNull(builder));
    }

    /**
     * {@return an operation that is always ready and yields {@code value} (CML's {@code
     * alwaysEvt})}
     *
     * @param <T> the type of the value
     * @param value what performing it yields; may be null
     */
    public static <T> Operation<T> always(T value) {
        return new Always<>(value);
    }

    /**
     * {@return an operation that never completes (CML's {@code never}); choice's neutral element}
     *
     * @param <T> any type: it yields no value
     */
    @SuppressWarnings("unchecked")
    public static <T> Operation<T> never() {
        return (Operation<T>) Never.INSTANCE;
    }

    /**
     * {@return an operation that completes when {@code stage} does, with its value; performing it
     * throws {@link org.fibers.FiberFailedException} (cause: the stage's exception) if the
     * stage failed, or {@link org.fibers.FiberCancelledException} if it was cancelled} So a
     * fiber can choose between a future and a channel:
     * {@code Operation.choice(fromCompletionStage(reply), timeoutOp).perform()}.
     *
     * <p>The stage gets one completion callback when this is called; build the operation once
     * and perform it as often as needed (each call registers another callback on the stage).
     *
     * @param <T> the type of the stage's value
     * @param stage the stage to wait for
     */
    public static <T> Operation<T> fromCompletionStage(java.util.concurrent.CompletionStage<T> stage) {
        java.util.concurrent.CompletableFuture<T> future = stage.toCompletableFuture();
        org.fibers.conditions.Condition done = new org.fibers.conditions.Condition();
        future.whenComplete((value, failure) -> done.signal());
        return done.waitOperation().wrap(ignored -> outcomeOf(future));
    }

    private static <T> T outcomeOf(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (java.util.concurrent.CancellationException e) {
            throw new org.fibers.FiberCancelledException("the future was cancelled", e);
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new org.fibers.FiberFailedException("the future failed: " + cause, cause);
        }
    }

    /**
     * <b>Low-level API.</b> A base operation from its three parts, as Guile's
     * {@code make-base-operation}: a try function, a block function (see {@link BaseOperation}
     * for their contracts) and a wrap function applied to the raw result.
     *
     * @param wrap    applied to the raw result in the performing thread, or null for none
     * @param tryFn   completes the operation now or returns {@link BaseOperation#NOT_READY}
     * @param blockFn publishes a waiter with the op-state and resumer it is given
     * @param <R> the type of the raw result of {@code tryFn} and the resumer
     * @param <T> the type of the operation's value, after {@code wrap}
     * @return the operation
     */
    @SuppressWarnings("unchecked")
    public static <R, T> Operation<T> base(Function<? super R, ? extends T> wrap,
                                           BaseOperation.TryFn<R> tryFn,
                                           BaseOperation.BlockFn<R> blockFn) {
        BaseOperation<R> b = new BaseOperation.Of<>(Objects.requireNonNull(tryFn),
                Objects.requireNonNull(blockFn));
        return wrap == null ? (Operation<T>) b : b.wrap(wrap);
    }

    /**
     * {@link #base(Function, BaseOperation.TryFn, BaseOperation.BlockFn)} without a wrap.
     *
     * @param <T> the type of the operation's value (the raw result)
     * @param tryFn completes the operation now or returns {@link BaseOperation#NOT_READY}
     * @param blockFn publishes a waiter with the op-state and resumer it is given
     * @return the operation
     */
    public static <T> Operation<T> base(BaseOperation.TryFn<T> tryFn,
                                        BaseOperation.BlockFn<T> blockFn) {
        return base(null, tryFn, blockFn);
    }

    /** Always ready with one value. */
    static final class Always<T> extends BaseOperation<T> {
        private final T value;

        Always(T value) {
            this.value = value;
        }

        @Override
        protected Object tryPerform() {
            return value;
        }

        @Override
        protected Runnable block(OpState state, Resumer<? super T> resume) {
            // Not reached by perform (the try always succeeds); kept correct for other drivers.
            if (state.trySync()) {
                resume.resume(value);
            }
            return null;
        }
    }

    /** Never ready; publishes nothing. */
    static final class Never extends BaseOperation<Object> {
        static final Never INSTANCE = new Never();

        @Override
        protected Object tryPerform() {
            return NOT_READY;
        }

        @Override
        protected Runnable block(OpState state, Resumer<? super Object> resume) {
            return null;
        }
    }
}
