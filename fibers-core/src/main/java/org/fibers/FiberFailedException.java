package org.fibers;

/** Thrown by {@link Fiber#join()} when the fiber ended with an exception; the cause is that exception. */
public class FiberFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FiberFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
