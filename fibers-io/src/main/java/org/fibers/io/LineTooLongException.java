package org.fibers.io;

import java.io.IOException;

/** A line read from a {@link FiberSocket} was longer than the limit allowed. */
public class LineTooLongException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The limit that was exceeded, in bytes (serialized). */
    private final int limit;

    /**
     * An exception for a line longer than {@code limit} bytes; the message says the limit.
     *
     * @param limit the maximum line length, in bytes
     */
    public LineTooLongException(int limit) {
        super("line longer than the maximum of " + limit + " bytes");
        this.limit = limit;
    }

    /**
     * The maximum line length, in bytes, that was exceeded.
     *
     * @return the limit, in bytes
     */
    public int limit() {
        return limit;
    }
}
