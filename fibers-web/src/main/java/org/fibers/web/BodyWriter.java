package org.fibers.web;

import java.io.IOException;
import java.io.OutputStream;

/** Writes a streaming response body; the server sends what it writes chunked. */
@FunctionalInterface
public interface BodyWriter {
    /**
     * Writes the body to {@code out} (do not close it; flush to send what was written so far).
     *
     * @param out the response body stream (chunked on the wire)
     * @throws IOException if writing fails (the client went away); the connection is then closed
     */
    void writeTo(OutputStream out) throws IOException;
}
