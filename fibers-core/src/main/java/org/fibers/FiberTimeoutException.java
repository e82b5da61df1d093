package org.fibers;

/** Thrown when a {@link FiberScope} deadline or a {@link FiberScope#withTimeout} block runs out of time. */
public class FiberTimeoutException extends FiberCancelledException {
    private static final long serialVersionUID = 1L;

    public FiberTimeoutException(String message) {
        super(message);
    }
}
