package org.fibers.web.jdkapp;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * An application written against {@code com.sun.net.httpserver} only, as one would for the
 * JDK's own server: nothing here names fibers. The tests run it with fibers-web on the class
 * path and check that it behaves as the JDK documents.
 */
public final class GreetingApplication {
    private final HttpServer server;

    /** Creates the server on 127.0.0.1 (any port) with every context; not started. */
    public GreetingApplication() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        HttpContext hello = server.createContext("/hello", t -> {
            byte[] b = "Hello, World!".getBytes(StandardCharsets.UTF_8);
            t.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            t.getResponseHeaders().set("X-Virtual", String.valueOf(Thread.currentThread().isVirtual()));
            t.sendResponseHeaders(200, b.length);
            try (OutputStream out = t.getResponseBody()) {
                out.write(b);
            }
        });
        hello.getFilters().add(new Filter() {
            @Override
            public void doFilter(HttpExchange t, Chain chain) throws IOException {
                t.getResponseHeaders().add("X-Filter", "seen " + t.getRequestMethod());
                chain.doFilter(t);
            }

            @Override
            public String description() {
                return "adds X-Filter";
            }
        });
        server.createContext("/echo", t -> {
            // streams: reads the request body piece by piece and answers chunked (length 0)
            t.sendResponseHeaders(200, 0);
            try (InputStream in = t.getRequestBody(); OutputStream out = t.getResponseBody()) {
                byte[] b = new byte[1000];
                int n;
                while ((n = in.read(b)) >= 0) {
                    out.write(b, 0, n);
                }
            }
        });
        server.createContext("/nobody", t -> {
            t.sendResponseHeaders(200, -1);
            t.close();
        });
        server.createContext("/nocontent", t -> {
            t.sendResponseHeaders(204, -1);
            t.close();
        });
        server.createContext("/info", t -> {
            t.setAttribute("seen", "yes");
            String s = t.getRequestMethod() + " " + t.getRequestURI() + " " + t.getProtocol() + " "
                    + t.getHttpContext().getPath() + " " + t.getAttribute("seen") + " "
                    + t.getRequestHeaders().getFirst("x-custom");
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            t.sendResponseHeaders(200, b.length);
            t.getResponseBody().write(b);
            t.close();
        });
        server.createContext("/files/", t -> {
            byte[] b = ("file " + t.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
            t.sendResponseHeaders(200, b.length);
            t.getResponseBody().write(b);
            t.close();
        });
        server.createContext("/slow", t -> {
            long ms = Long.parseLong(t.getRequestURI().getQuery());
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            byte[] b = ("slept " + ms).getBytes(StandardCharsets.UTF_8);
            t.sendResponseHeaders(200, b.length);
            t.getResponseBody().write(b);
            t.close();
        });
        HttpContext secret = server.createContext("/private", t -> {
            byte[] b = ("hello " + t.getPrincipal().getUsername()).getBytes(StandardCharsets.UTF_8);
            t.sendResponseHeaders(200, b.length);
            t.getResponseBody().write(b);
            t.close();
        });
        secret.setAuthenticator(new BasicAuthenticator("fibers") {
            @Override
            public boolean checkCredentials(String user, String password) {
                return user.equals("alice") && password.equals("secret");
            }
        });
        // as many applications do; the server accepts it
        server.setExecutor(Executors.newFixedThreadPool(2));
    }

    /** The server, for its address, start and stop. */
    public HttpServer server() {
        return server;
    }
}
