package org.fibers.operations;

/**
 * Resumes a performer whose operation was completed through one of its branches. Low-level API,
 * handed to {@link BaseOperation#block block} functions.
 *
 * <p>Call {@link #resume} only after moving the perform's {@link OpState} to SYNCED
 * ({@link OpState#trySync()} or {@link OpState#commit}), exactly once, and promptly: a
 * performer that sees its state SYNCED busy-waits for this call, so nothing that can block or
 * take long may come between the two. It never blocks: it
 * records the value for the branch and unparks the performer, which applies the branch's wrap
 * functions in its own thread. Thread-safe; may be called from any thread, including the
 * performer's own thread while it is still publishing its branches.
 *
 * @param <T> the raw result type of the branch (before its wrap functions)
 */
@FunctionalInterface
public interface Resumer<T> {
    /**
     * Deliver {@code value} (may be null) as the result of this branch and wake the performer.
     *
     * @param value the branch's raw result; may be null
     */
    void resume(T value);
}
