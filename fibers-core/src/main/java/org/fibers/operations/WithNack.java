package org.fibers.operations;

import java.util.function.Function;
import org.fibers.conditions.Condition;

/** CML withNack: the builder gets an operation that becomes ready if its branch loses. */
final class WithNack<T> extends Operation<T> {
    private final Function<? super Operation<Void>, ? extends Operation<? extends T>> builder;

    WithNack(Function<? super Operation<Void>, ? extends Operation<? extends T>> builder) {
        this.builder = builder;
    }

    @Override
    public T perform() {
        Performer.preemptionPoint();
        return Performer.performDynamic(this);
    }

    @Override
    public <R> Operation<R> wrap(Function<? super T, ? extends R> f) {
        return new WithNack<R>(nack -> builder.apply(nack).wrap(f));
    }

    @Override
    void flatten(Flat into) {
        Condition nack = new Condition();
        // Register first: if the builder throws, the perform is abandoned and the nack fires.
        int scope = into.openNack(nack);
        Operation<? extends T> op = builder.apply(nack.waitOperation());
        if (op == null) {
            throw new NullPointerException("withNack builder returned null");
        }
        op.flatten(into);
        into.closeNack(scope);
    }

    @Override
    boolean isStatic() {
        return false;
    }
}
