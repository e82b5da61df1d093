package org.fibers.benchmarks.web;

import io.helidon.webserver.WebServer;

/**
 * The hello handler on Helidon SE 4's web server (a virtual thread per connection, its own
 * HTTP/1.1 codec), with its defaults. Prints "PORT n" once listening.
 *
 * <pre>HelidonHello [port]</pre>
 */
public final class HelidonHello {
    private HelidonHello() {
    }

    /** Starts the server and blocks. */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .routing(r -> r.any((req, res) -> {
                    res.header("Content-Type", Hello.CONTENT_TYPE);
                    res.send(Hello.TEXT);
                }))
                .build()
                .start();
        Hello.announce("Helidon SE " + io.helidon.common.Version.VERSION, server.port());
        Thread.currentThread().join();
    }
}
