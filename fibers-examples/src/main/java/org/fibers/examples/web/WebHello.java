package org.fibers.examples.web;

import java.io.IOException;
import org.fibers.web.FiberWebServer;
import org.fibers.web.Response;

/**
 * Guile's web "Hello, World!": every request gets {@code Hello, World!} as text/plain.
 *
 * <pre>
 * WebHello [port [host]]     (default 127.0.0.1:8080; port 0 picks a free one)
 * </pre>
 *
 * Runs until the process is stopped (Ctrl-C closes the server gracefully).
 */
public final class WebHello {
    private WebHello() {
    }

    /**
     * Starts the server on {@code host:port}.
     *
     * @param host the address to listen on
     * @param port the port, 0 for a free one
     * @return the started server; closing it stops it
     * @throws IOException if the address cannot be bound
     */
    public static FiberWebServer start(String host, int port) throws IOException {
        return FiberWebServer.builder()
                .address(host)
                .port(port)
                .handler(request -> Response.ok("Hello, World!"))
                .build()
                .start();
    }

    /**
     * Command line: {@code [port [host]]}.
     *
     * @param args {@code [port [host]]}
     * @throws Exception if the server cannot start (the port in use) or the main thread is
     *        interrupted
     */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        String host = args.length > 1 ? args[1] : "127.0.0.1";
        FiberWebServer server = start(host, port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "web-hello-close"));
        System.out.println("web-hello listening on http://" + host + ":" + server.port() + "/");
        Thread.currentThread().join(); // serve until the process is stopped
    }
}
