package org.fibers.web.http1;

/**
 * What a connection runs for each request: reads the request from the exchange and answers on
 * it, in the connection's fiber (it may block). An exception it throws gives a 500 when no
 * response was started, or cuts the connection when one was.
 */
@FunctionalInterface
public interface ExchangeHandler {
    /** Serves one request. */
    void serve(Http1Exchange exchange) throws Exception;
}
