package org.fibers.benchmarks.web;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.spi.HttpServerProvider;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The hello handler written against the JDK's {@code com.sun.net.httpserver} API, an
 * application that does not know which implementation runs it: the JVM picks the
 * {@link HttpServerProvider} (the system property
 * {@code com.sun.net.httpserver.HttpServerProvider}, else a registered service, else the
 * JDK's own). Prints the provider's class and "PORT n" once listening.
 *
 * <pre>JdkHello [port] [vt|none]</pre>
 * {@code vt} (the default) hands each exchange to a new virtual thread
 * ({@code Executors.newVirtualThreadPerTaskExecutor()}); {@code none} sets no executor, so the
 * provider runs handlers where it likes (the JDK's own: on its one dispatcher thread).
 */
public final class JdkHello {
    private static final byte[] BODY = Hello.TEXT.getBytes(StandardCharsets.UTF_8);

    private JdkHello() {
    }

    /** Starts the server and blocks. */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        String executor = args.length > 1 ? args[1] : "vt";
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", Hello.CONTENT_TYPE);
                exchange.sendResponseHeaders(200, BODY.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(BODY);
                }
            }
        });
        switch (executor) {
            case "vt" -> server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            case "none" -> server.setExecutor(null);
            default -> throw new IllegalArgumentException("executor must be vt or none, not " + executor);
        }
        server.start();
        Hello.announce(HttpServerProvider.provider().getClass().getName() + " executor=" + executor,
                server.getAddress().getPort());
        Thread.currentThread().join();
    }
}
