package org.fibers.introspect;

import java.util.List;
import java.util.Objects;

/**
 * What a suspended fiber waits for: one branch of a perform, a timer, a join, a scope.
 *
 * @param kind        what sort of wait: {@code channel-put}, {@code channel-get},
 *                    {@code timer}, {@code condition}, {@code join}, {@code scope},
 *                    {@code sleep}, {@code fd-readable}, {@code fd-writable}, {@code choice},
 *                    {@code operation} (a base operation that does not describe itself), or
 *                    {@code parked} (a park outside any fiber operation)
 * @param target      the object waited on, by a stable name ({@code channel@1b6d3586},
 *                    {@code fiber-42}, {@code fd 17}); empty when there is none
 * @param deadlineNanos the {@link System#nanoTime()} at which a timer fires, or
 *                    {@link #NO_DEADLINE}
 * @param branches    for a {@code choice}, one description per branch; otherwise empty
 */
public record WaitDescription(String kind, String target, long deadlineNanos, List<WaitDescription> branches) {
    /** The deadline of a wait that has none. */
    public static final long NO_DEADLINE = Long.MIN_VALUE;

    /** Checks the components; {@code branches} is copied. */
    public WaitDescription {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        branches = List.copyOf(branches);
    }

    /**
     * {@return a wait of {@code kind} on {@code target}, with no deadline and no branches}
     *
     * @param kind what kind of wait, as {@code channel-get} or {@code join}
     * @param target what is waited on, as {@code channel@1b6d3586} or {@code fiber-42}
     */
    public static WaitDescription of(String kind, String target) {
        return new WaitDescription(kind, target, NO_DEADLINE, List.of());
    }

    /**
     * {@return a timer wait of {@code kind} that ends at {@code deadlineNanos}}
     *
     * @param kind what kind of wait, as {@code sleep} or {@code timer}
     * @param deadlineNanos when it ends, on the {@link System#nanoTime()} scale
     */
    public static WaitDescription timer(String kind, long deadlineNanos) {
        return new WaitDescription(kind, "", deadlineNanos, List.of());
    }

    /**
     * {@return the stable name of an object that has no name of its own: {@code prefix@hex
     * identity}}
     *
     * @param prefix what the object is, as {@code channel}
     * @param o the object
     */
    public static String identity(String prefix, Object o) {
        return prefix + "@" + Integer.toHexString(System.identityHashCode(o));
    }

    /**
     * {@return one line: {@code kind target [deadline in N ms]}, choices as {@code choice(a | b)}}
     *
     * @param nowNanos the {@link System#nanoTime()} a deadline is counted down from
     */
    public String toText(long nowNanos) {
        StringBuilder b = new StringBuilder(kind);
        if (!branches.isEmpty()) {
            b.append('(');
            for (int i = 0; i < branches.size(); i++) {
                b.append(i == 0 ? "" : " | ").append(branches.get(i).toText(nowNanos));
            }
            b.append(')');
        }
        if (!target.isEmpty()) {
            b.append(' ').append(target);
        }
        if (deadlineNanos != NO_DEADLINE) {
            b.append(" (deadline in ").append((deadlineNanos - nowNanos) / 1_000_000).append(" ms)");
        }
        return b.toString();
    }
}
