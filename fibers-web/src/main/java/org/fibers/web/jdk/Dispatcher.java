package org.fibers.web.jdk;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import org.fibers.web.http1.ExchangeHandler;
import org.fibers.web.http1.Http1Exchange;
import org.fibers.web.http1.HttpStatusException;

/**
 * Runs one request of a {@link FiberHttpServer} in the connection's fiber: finds the context,
 * wraps the engine's exchange in an {@link HttpExchange}, and runs the user filters, the
 * authenticator and the handler, as the JDK's server does; then closes the exchange the
 * handler left open.
 */
final class Dispatcher implements ExchangeHandler {
    private final FiberHttpServer server;

    Dispatcher(FiberHttpServer server) {
        this.server = server;
    }

    @Override
    public void serve(Http1Exchange exchange) throws Exception {
        URI uri;
        try {
            uri = new URI(exchange.request().target());
        } catch (URISyntaxException e) {
            throw new HttpStatusException(400, "request target is not a URI: " + e.getReason());
        }
        String path = uri.getPath();
        FiberHttpContext context = path == null ? null : server.findContext(path);
        if (context == null) {
            throw new HttpStatusException(404, "No context found for request");
        }
        HttpHandler handler = context.getHandler();
        if (handler == null) {
            throw new HttpStatusException(500, "No handler for context");
        }
        FiberHttpExchange ex = new FiberHttpExchange(exchange, context, uri);
        new Filter.Chain(context.getFilters(), t -> authenticateThen(context, ex, t, handler)).doFilter(ex);
        // returned normally: end the body the handler left open (a handler that threw gets no
        // such help, or a cut-short chunked body would look complete)
        if (exchange.responded()) {
            ex.close();
        }
    }

    /**
     * The JDK's AuthFilter: Success sets the principal (on our exchange, even when a filter
     * handed a wrapper down the chain) and goes on; Retry and Failure answer with their status
     * and no body (the engine skips an unread request body before the next request).
     */
    private static void authenticateThen(FiberHttpContext context, FiberHttpExchange ours, HttpExchange t,
            HttpHandler handler) throws IOException {
        Authenticator auth = context.getAuthenticator();
        if (auth == null) {
            handler.handle(t);
            return;
        }
        Authenticator.Result r = auth.authenticate(t);
        if (r instanceof Authenticator.Success s) {
            ours.setPrincipal(s.getPrincipal());
            handler.handle(t);
        } else if (r instanceof Authenticator.Retry retry) {
            t.sendResponseHeaders(retry.getResponseCode(), -1);
        } else if (r instanceof Authenticator.Failure f) {
            t.sendResponseHeaders(f.getResponseCode(), -1);
        } else {
            throw new IllegalStateException("authenticator " + auth + " returned " + r);
        }
    }
}
