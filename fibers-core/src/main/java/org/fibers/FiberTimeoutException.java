package org.fibers;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * Thrown when a {@link FiberScope} deadline or a {@link FiberScope#withTimeout} block runs out
 * of time. The message names the timeout, as in {@code "scope timed out after 30 ms"}, and
 * {@link #timeout()} returns it.
 */
public class FiberTimeoutException extends FiberCancelledException {
    private static final long serialVersionUID = 1L;

    /** The time that ran out; null when only a message was given. */
    private final Duration timeout;

    /**
     * An exception whose message says {@code "<what> timed out after <timeout>"}.
     *
     * @param what what ran out of time, for example {@code "scope"}
     * @param timeout the duration that passed
     */
    public FiberTimeoutException(String what, Duration timeout) {
        super(what + " timed out after " + describe(Objects.requireNonNull(timeout, "timeout")));
        this.timeout = timeout;
    }

    /**
     * An exception with a message of the caller's and no duration.
     *
     * @param message the detail message
     */
    public FiberTimeoutException(String message) {
        super(message);
        this.timeout = null;
    }

    /**
     * The duration that ran out.
     *
     * @return the timeout, or null if this exception was made with a message only
     */
    public Duration timeout() {
        return timeout;
    }

    private static String describe(Duration d) {
        if (d.toNanos() < 1_000_000) {
            return d.toNanos() / 1000 + " us";
        }
        if (d.toMillis() < 1000) {
            return d.toMillis() + " ms";
        }
        return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
    }
}
