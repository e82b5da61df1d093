package org.fibers.web.jdk;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.util.List;
import java.util.Map;
import java.util.Collections;
import java.util.HashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A path of a {@link FiberHttpServer} with its handler, filters, authenticator and attributes.
 * The filter list is the live one the server runs (copy-on-write, so filters may be added while
 * requests are served); handler and authenticator are read once per request.
 */
final class FiberHttpContext extends HttpContext {
    private final FiberHttpServer server;
    private final String path;
    private final List<Filter> filters = new CopyOnWriteArrayList<>();
    private final Map<String, Object> attributes = Collections.synchronizedMap(new HashMap<>());
    private volatile HttpHandler handler;
    private volatile Authenticator authenticator;

    FiberHttpContext(FiberHttpServer server, String path) {
        this.server = server;
        this.path = path;
    }

    @Override
    public HttpHandler getHandler() {
        return handler;
    }

    @Override
    public void setHandler(HttpHandler handler) {
        if (handler == null) {
            throw new NullPointerException("handler");
        }
        if (this.handler != null) {
            throw new IllegalArgumentException("handler already set for " + path);
        }
        this.handler = handler;
    }

    @Override
    public String getPath() {
        return path;
    }

    @Override
    public HttpServer getServer() {
        return server;
    }

    @Override
    public Map<String, Object> getAttributes() {
        return attributes;
    }

    @Override
    public List<Filter> getFilters() {
        return filters;
    }

    @Override
    public Authenticator setAuthenticator(Authenticator auth) {
        Authenticator old = authenticator;
        authenticator = auth;
        return old;
    }

    @Override
    public Authenticator getAuthenticator() {
        return authenticator;
    }

    @Override
    public String toString() {
        return "HttpContext " + path;
    }
}
