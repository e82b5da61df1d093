package org.fibers.web;

/**
 * Guile's {@code (handler request body) -> (values response body)}: answers one request. It
 * runs in the connection's fiber and may block (sleep, perform operations, do I/O). An
 * exception it throws gives the client a 500 and one log line naming the request; the
 * connection and the server go on.
 */
@FunctionalInterface
public interface Handler {
    /**
     * Answers {@code request}.
     *
     * @param request the request; its body may be read while handling
     * @return the response to send
     * @throws Exception anything; the client gets a 500 and the connection goes on
     */
    Response handle(Request request) throws Exception;
}
