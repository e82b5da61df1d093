package org.fibers;

import java.util.concurrent.CancellationException;

/**
 * Thrown by a blocking fiber operation (perform, put, get, sleep, await, join, I/O waits) when
 * the calling fiber or thread is cancelled or interrupted while it waits. Whatever the
 * operation had published is withdrawn first, and the thread's interrupt status stays set, so
 * enclosing code sees the cancellation too.
 */
public class FiberCancelledException extends CancellationException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     * 
     * @param message what was cancelled, for the reader of a log
     */
    public FiberCancelledException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the interruption or cancellation that caused it.
     * 
     * @param message what was cancelled, for the reader of a log
     * @param cause the exception that caused it, or null
     */
    public FiberCancelledException(String message, Throwable cause) {
        super(message);
        initCause(cause);
    }
}
