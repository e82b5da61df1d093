package org.fibers.benchmarks.web;

import org.fibers.web.FiberWebServer;
import org.fibers.web.Response;

/**
 * The hello handler on {@link FiberWebServer}, as a user writes it: {@code Response.ok(...)}
 * per request, one scheduler per core. Prints "PORT n" once listening, then serves until killed.
 *
 * <pre>FiberHello [port]   (0 = any free port)</pre>
 */
public final class FiberHello {
    private FiberHello() {
    }

    /** Starts the server and blocks. */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        FiberWebServer server = FiberWebServer.builder()
                .port(port)
                .handler(request -> Response.ok(Hello.TEXT))
                .build()
                .start();
        Hello.announce("FiberWebServer", server.port());
        Thread.currentThread().join(); // serves until the process is killed
    }
}
