package org.fibers.operations;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A choice among operations. Static choices (no guard or withNack inside) are flattened once,
 * at construction, into parallel arrays of base operations and wrap functions, so performing
 * them allocates nothing unless they block. Dynamic choices keep their children and flatten
 * them at every perform.
 */
final class Choice<T> extends Operation<T> {
    /** Static form: the leaves; null in the dynamic form. */
    private final BaseOperation<?>[] bases;
    /** Static form: each leaf's wrap, null entries for none. */
    private final Function<Object, Object>[] wraps;
    /** Dynamic form: the children (nested choices already spliced in); null if static. */
    private final List<Operation<?>> children;

    private Choice(BaseOperation<?>[] bases, Function<Object, Object>[] wraps) {
        this.bases = bases;
        this.wraps = wraps;
        this.children = null;
    }

    private Choice(List<Operation<?>> children) {
        this.bases = null;
        this.wraps = null;
        this.children = children;
    }

    @SuppressWarnings("unchecked")
    static <T> Operation<T> of(List<? extends Operation<? extends T>> ops) {
        List<Operation<?>> flat = new ArrayList<>(ops.size());
        boolean isStatic = true;
        for (Operation<? extends T> op : ops) {
            Objects.requireNonNull(op, "null operation in choice");
            if (op instanceof Choice<?> c && c.children != null) {
                flat.addAll(c.children);
            } else {
                flat.add(op);
            }
            isStatic &= op.isStatic();
        }
        if (!isStatic) {
            return flat.size() == 1 ? (Operation<T>) flat.get(0) : new Choice<>(List.copyOf(flat));
        }
        Flat leaves = new Flat();
        for (Operation<?> op : flat) {
            op.flatten(leaves);
        }
        if (leaves.n == 0) {
            return Operation.never();
        }
        if (leaves.n == 1) {
            BaseOperation<?> b = leaves.bases[0];
            return leaves.wraps[0] == null ? (Operation<T>) b : new Wrapped<>(b, leaves.wraps[0]);
        }
        return new Choice<>(Arrays.copyOf(leaves.bases, leaves.n), Arrays.copyOf(leaves.wraps, leaves.n));
    }

    @Override
    public T perform() {
        Performer.preemptionPoint();
        if (bases != null) {
            return Performer.performLeaves(bases, wraps, bases.length, null);
        }
        return Performer.performDynamic(this);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> Operation<R> wrap(Function<? super T, ? extends R> f) {
        if (bases != null) {
            Function<Object, Object>[] w = Flat.newWraps(wraps.length);
            for (int i = 0; i < w.length; i++) {
                w[i] = Wrapped.compose(wraps[i], f);
            }
            return new Choice<>(bases, w);
        }
        List<Operation<?>> wrapped = new ArrayList<>(children.size());
        for (Operation<?> c : children) {
            wrapped.add(((Operation<T>) c).wrap(f));
        }
        return new Choice<>(List.copyOf(wrapped));
    }

    @Override
    void flatten(Flat into) {
        if (bases != null) {
            for (int i = 0; i < bases.length; i++) {
                into.add(bases[i], wraps[i]);
            }
        } else {
            for (Operation<?> c : children) {
                c.flatten(into);
            }
        }
    }

    @Override
    boolean isStatic() {
        return bases != null;
    }
}
