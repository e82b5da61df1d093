package org.fibers.web.jdk;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fibers.web.http1.Http1Exchange;

/**
 * An {@link HttpExchange} over the engine's {@link Http1Exchange}. The request body is the
 * engine's lazy stream (a chunked or Content-Length body is read as the handler reads it);
 * {@link #sendResponseHeaders} maps the JDK's lengths onto the engine's framing: {@code > 0}
 * that many bytes, {@code 0} chunked (close-delimited for HTTP/1.0), {@code -1} no body.
 * Used by the connection's fiber only, like the JDK's exchanges by their handler's thread.
 */
final class FiberHttpExchange extends HttpExchange {
    private final Http1Exchange exchange;
    private final FiberHttpContext context;
    private final URI uri;
    private final com.sun.net.httpserver.Headers requestHeaders = new com.sun.net.httpserver.Headers();
    private final com.sun.net.httpserver.Headers responseHeaders = new com.sun.net.httpserver.Headers();
    private final ResponseBody responseBody = new ResponseBody();
    private InputStream in;
    private OutputStream out;
    private Map<String, Object> attributes;
    private HttpPrincipal principal;
    private int responseCode = -1;
    private boolean closed;

    FiberHttpExchange(Http1Exchange exchange, FiberHttpContext context, URI uri) {
        this.exchange = exchange;
        this.context = context;
        this.uri = uri;
        org.fibers.web.Headers h = exchange.request().headers();
        for (int i = 0, n = h.size(); i < n; i++) {
            requestHeaders.add(h.name(i), h.value(i));
        }
        this.in = exchange.body();
        this.out = responseBody;
    }

    @Override
    public com.sun.net.httpserver.Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public com.sun.net.httpserver.Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return uri;
    }

    @Override
    public String getRequestMethod() {
        return exchange.request().method();
    }

    @Override
    public HttpContext getHttpContext() {
        return context;
    }

    /**
     * Ends the exchange: closes the response body stream (the one set by {@link #setStreams} if
     * any). As with the JDK's, a failure to send (the client went away) closes the connection
     * rather than throwing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            exchange.closeAfterResponse();
        }
    }

    @Override
    public InputStream getRequestBody() {
        return in;
    }

    @Override
    public OutputStream getResponseBody() {
        return out;
    }

    /**
     * Sends the status line and headers. {@code responseLength > 0}: a body of exactly that
     * many bytes; {@code 0}: a body of any length, chunked; {@code -1}: no body. HEAD requests
     * and 204/304 responses get no body whatever the length.
     *
     * @throws IOException if headers were sent already, or the client went away
     */
    @Override
    public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
        if (responseCode >= 0) {
            throw new IOException("headers already sent");
        }
        if (rCode < 200 || rCode > 599) {
            throw new IOException("response code out of range (informational responses are not supported): " + rCode);
        }
        org.fibers.web.Headers h = new org.fibers.web.Headers();
        try {
            for (Map.Entry<String, List<String>> e : responseHeaders.entrySet()) {
                for (String v : e.getValue()) {
                    h.add(e.getKey(), v);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IOException("invalid response header: " + e.getMessage(), e);
        }
        responseCode = rCode;
        if (responseLength < 0) {
            exchange.respond(rCode, h, new byte[0], 0, 0);
            responseBody.target = null;
        } else {
            responseBody.target = exchange.respondStreaming(rCode, h, responseLength == 0 ? -1 : responseLength);
        }
        responseBody.sent = true;
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return exchange.remoteAddress();
    }

    @Override
    public int getResponseCode() {
        return responseCode;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        try {
            return exchange.localAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String getProtocol() {
        return exchange.request().protocol();
    }

    @Override
    public Object getAttribute(String name) {
        return attributes == null ? null : attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (attributes == null) {
            attributes = new HashMap<>();
        }
        if (value == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, value);
        }
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        if (i != null) {
            in = i;
        }
        if (o != null) {
            out = o;
        }
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return principal;
    }

    void setPrincipal(HttpPrincipal p) {
        principal = p;
    }

    /**
     * What {@link #getResponseBody()} returns: refuses writes until the headers are sent and
     * after a {@code -1} length, then forwards to the engine's body stream.
     */
    private static final class ResponseBody extends OutputStream {
        OutputStream target;
        boolean sent;
        boolean closed;

        private OutputStream target() throws IOException {
            if (closed) {
                throw new IOException("response body closed");
            }
            if (!sent) {
                throw new IOException("sendResponseHeaders has not been called");
            }
            if (target == null) {
                throw new IOException("the response has no body (sendResponseHeaders was given -1)");
            }
            return target;
        }

        @Override
        public void write(int b) throws IOException {
            target().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            target().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (!closed && target != null) {
                target.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (closed || !sent) {
                return; // before the headers: nothing to end (the server answers 500 if the handler never does)
            }
            closed = true;
            if (target != null) {
                target.close();
            }
        }
    }
}
