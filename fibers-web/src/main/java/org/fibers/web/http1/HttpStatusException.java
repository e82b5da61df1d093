package org.fibers.web.http1;

import java.io.IOException;

/**
 * A request the server refuses: the status to answer with (400, 408, 413, 414, 417, 431, 501,
 * 505) and a short reason that goes into the response body. The connection is closed after
 * that response, since its framing can no longer be trusted. An {@link IOException} so that a
 * handler reading a bad request body sees it as a failed read.
 */
public final class HttpStatusException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    /** A refusal with {@code status} and a one-line {@code reason}. */
    public HttpStatusException(int status, String reason) {
        super(reason);
        this.status = status;
    }

    /** No stack trace: a refusal is an expected outcome, and filling one in costs time. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    /** The status code to answer with. */
    public int status() {
        return status;
    }
}
