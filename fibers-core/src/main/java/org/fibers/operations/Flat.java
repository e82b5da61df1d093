package org.fibers.operations;

import java.util.Arrays;
import java.util.function.Function;
import org.fibers.conditions.Condition;

/**
 * An operation flattened into leaves: parallel arrays of base operations and wrap functions,
 * plus the withNack scopes created while flattening (each a nack condition and the range of
 * leaves built inside it). One Flat per dynamic perform; never shared.
 */
final class Flat {
    BaseOperation<?>[] bases = new BaseOperation<?>[4];
    Function<Object, Object>[] wraps = newWraps(4);
    int n;

    private Condition[] nacks;
    private int[] nackFrom;
    private int[] nackTo;
    private int nackCount;

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Function<Object, Object>[] newWraps(int n) {
        return new Function[n];
    }

    void add(BaseOperation<?> base, Function<Object, Object> wrap) {
        if (base == Operation.Never.INSTANCE) {
            return;                             // never contributes nothing to a choice
        }
        if (n == bases.length) {
            bases = Arrays.copyOf(bases, n * 2);
            wraps = Arrays.copyOf(wraps, n * 2);
        }
        bases[n] = base;
        wraps[n] = wrap;
        n++;
    }

    /** Starts a withNack scope at the current leaf; returns its handle for closeNack. */
    int openNack(Condition nack) {
        if (nacks == null) {
            nacks = new Condition[2];
            nackFrom = new int[2];
            nackTo = new int[2];
        } else if (nackCount == nacks.length) {
            nacks = Arrays.copyOf(nacks, nackCount * 2);
            nackFrom = Arrays.copyOf(nackFrom, nackCount * 2);
            nackTo = Arrays.copyOf(nackTo, nackCount * 2);
        }
        nacks[nackCount] = nack;
        nackFrom[nackCount] = n;
        nackTo[nackCount] = Integer.MAX_VALUE;
        return nackCount++;
    }

    void closeNack(int scope) {
        nackTo[scope] = n;
    }

    boolean hasNacks() {
        return nackCount > 0;
    }

    /** Signals every nack whose scope does not contain leaf {@code winner} (-1: all of them). */
    void signalNacksExcept(int winner) {
        for (int i = 0; i < nackCount; i++) {
            if (winner < nackFrom[i] || winner >= nackTo[i]) {
                nacks[i].signal();
            }
        }
    }
}
