package org.fibers.web.jdk;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import com.sun.net.httpserver.spi.HttpServerProvider;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The {@link HttpServerProvider} that {@code HttpServer.create} finds through
 * {@code META-INF/services} when fibers-web is on the class path: its servers run every
 * connection in a fiber. To choose the JDK's own implementation again, start the JVM with
 * {@code -Dcom.sun.net.httpserver.HttpServerProvider=sun.net.httpserver.DefaultHttpServerProvider}.
 *
 * <p>System properties read when a server is created: {@code org.fibers.web.jdk.parallelism}
 * (schedulers of the server's group; one per processor by default).
 */
public final class FiberHttpServerProvider extends HttpServerProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public FiberHttpServerProvider() {
    }

    /**
     * A server on fibers, bound to {@code addr} unless it is null (then {@link HttpServer#bind}
     * must be called before {@link HttpServer#start}).
     *
     * @param backlog the listen backlog; 0 or less for the default (1024)
     * @throws IOException if the address cannot be bound
     */
    @Override
    public HttpServer createHttpServer(InetSocketAddress addr, int backlog) throws IOException {
        FiberHttpServer server = new FiberHttpServer();
        if (addr != null) {
            server.bind(addr, backlog);
        }
        return server;
    }

    /**
     * Not provided: always throws.
     *
     * @throws UnsupportedOperationException always, saying so
     */
    @Override
    public HttpsServer createHttpsServer(InetSocketAddress addr, int backlog) {
        throw new UnsupportedOperationException("HttpsServer is not provided by fibers-web's HttpServerProvider "
                + "(org.fibers.web.jdk.FiberHttpServerProvider serves plain HTTP only); terminate TLS in front of it, "
                + "or select the JDK's provider with "
                + "-Dcom.sun.net.httpserver.HttpServerProvider=sun.net.httpserver.DefaultHttpServerProvider");
    }
}
