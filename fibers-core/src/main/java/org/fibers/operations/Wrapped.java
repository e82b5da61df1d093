package org.fibers.operations;

import java.util.function.Function;

/** A base operation with a wrap function (possibly a composition of several). */
final class Wrapped<T> extends Operation<T> {
    final BaseOperation<?> base;
    final Function<Object, Object> wrap;

    Wrapped(BaseOperation<?> base, Function<Object, Object> wrap) {
        this.base = base;
        this.wrap = wrap;
    }

    @SuppressWarnings("unchecked")
    static Function<Object, Object> erase(Function<?, ?> f) {
        return (Function<Object, Object>) java.util.Objects.requireNonNull(f);
    }

    /** {@code first} then {@code then}; a null {@code first} is the identity. */
    static Function<Object, Object> compose(Function<Object, Object> first, Function<?, ?> then) {
        Function<Object, Object> g = erase(then);
        return first == null ? g : first.andThen(g);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T perform() {
        Performer.preemptionPoint();
        Object r = base.tryPerform();
        if (r != BaseOperation.NOT_READY) {
            return (T) wrap.apply(r);
        }
        return Performer.blockOne(base, wrap);
    }

    @Override
    public <R> Operation<R> wrap(Function<? super T, ? extends R> f) {
        return new Wrapped<>(base, compose(wrap, f));
    }

    @Override
    void flatten(Flat into) {
        into.add(base, wrap);
    }

    @Override
    boolean isStatic() {
        return true;
    }
}
