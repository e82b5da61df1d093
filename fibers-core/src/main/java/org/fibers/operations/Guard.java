package org.fibers.operations;

import java.util.function.Function;
import java.util.function.Supplier;

/** An operation built when performed (CML guard). */
final class Guard<T> extends Operation<T> {
    private final Supplier<? extends Operation<? extends T>> builder;

    Guard(Supplier<? extends Operation<? extends T>> builder) {
        this.builder = builder;
    }

    @Override
    public T perform() {
        Performer.preemptionPoint();
        return Performer.performDynamic(this);
    }

    @Override
    public <R> Operation<R> wrap(Function<? super T, ? extends R> f) {
        return new Guard<R>(() -> built().wrap(f));
    }

    private Operation<? extends T> built() {
        Operation<? extends T> op = builder.get();
        if (op == null) {
            throw new NullPointerException("guard builder returned null");
        }
        return op;
    }

    @Override
    void flatten(Flat into) {
        built().flatten(into);
    }

    @Override
    boolean isStatic() {
        return false;
    }
}
