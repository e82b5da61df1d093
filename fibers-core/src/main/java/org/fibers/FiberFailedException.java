package org.fibers;

/** Thrown by {@link Fiber#join()} when the fiber ended with an exception; the cause is that exception. */
public class FiberFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which fiber or scope failed, for the reader of a log
     * @param cause the exception or error the fiber's body threw
     */
    public FiberFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
