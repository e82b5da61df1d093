package org.fibers.io;

import java.io.IOException;

/** A line read from a {@link FiberSocket} was longer than the limit allowed. */
public class LineTooLongException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int limit;

    public LineTooLongException(int limit) {
        super("line longer than the maximum of " + limit + " bytes");
        this.limit = limit;
    }

    /** The maximum line length, in bytes, that was exceeded. */
    public int limit() {
        return limit;
    }
}
