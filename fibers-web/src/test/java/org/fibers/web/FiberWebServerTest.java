package org.fibers.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.fibers.Fibers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** FiberWebServer against real clients (the JDK's HttpClient, curl) and raw sockets. */
class FiberWebServerTest {
    static FiberWebServer server;
    static HttpClient client;

    static Response handle(Request r) throws Exception {
        return switch (r.path()) {
            case "/hello" -> Response.ok("Hello, World!");
            case "/echo" -> Response.of(200, "application/octet-stream", r.bodyBytes());
            case "/query" -> Response.ok(r.queryParam("q") + "|" + r.query().get("n"));
            case "/header" -> Response.ok(String.valueOf(r.header("x-TEST")));
            case "/fail" -> throw new IllegalStateException("handler bug");
            case "/stream" -> Response.status(200).body(out -> {
                for (int i = 0; i < 3; i++) {
                    out.write(("part" + i + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            });
            case "/slow" -> {
                Fibers.sleep(Duration.ofMillis(300));
                yield Response.ok("slept");
            }
            default -> Response.status(404).body("no " + r.path());
        };
    }

    @BeforeAll
    static void start() throws Exception {
        server = FiberWebServer.builder().parallelism(2).handler(FiberWebServerTest::handle).build().start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Test
    void httpClientGetsHelloWithDateAndServer() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/hello")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("Hello, World!", r.body());
        assertTrue(r.headers().firstValue("date").isPresent());
        assertEquals("fibers", r.headers().firstValue("server").orElseThrow());
        assertEquals("13", r.headers().firstValue("content-length").orElseThrow());
    }

    @Test
    void httpClientPostsBodiesFixedAndChunked() throws Exception {
        byte[] big = new byte[200_000];
        new java.util.Random(1).nextBytes(big);
        HttpResponse<byte[]> fixed = client.send(HttpRequest.newBuilder(uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, fixed.statusCode());
        assertTrue(java.util.Arrays.equals(big, fixed.body()));
        // a publisher of unknown length is sent chunked
        HttpResponse<byte[]> chunked = client.send(HttpRequest.newBuilder(uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertTrue(java.util.Arrays.equals(big, chunked.body()));
    }

    @Test
    void queryIsDecodedAndHeadersAreCaseInsensitive() throws Exception {
        HttpResponse<String> q = client.send(HttpRequest.newBuilder(uri("/query?q=a%20b+c&n=1&n=2")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("a b c|[1, 2]", q.body());
        HttpResponse<String> h = client.send(HttpRequest.newBuilder(uri("/header")).header("X-Test", "yes").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("yes", h.body());
    }

    @Test
    void streamingBodyIsChunked() throws Exception {
        String raw = RawHttp.exchange(server.port(), "GET /stream HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        assertTrue(raw.contains("Transfer-Encoding: chunked\r\n"), raw);
        assertTrue(raw.endsWith("6\r\npart0\n\r\n6\r\npart1\n\r\n6\r\npart2\n\r\n0\r\n\r\n"), raw);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/stream")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("part0\npart1\npart2\n", r.body());
    }

    @Test
    void handlerExceptionGives500AndTheConnectionGoesOn() throws Exception {
        String raw = RawHttp.exchange(server.port(), "GET /fail HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        assertTrue(raw.startsWith("HTTP/1.1 500 "), raw);
        assertTrue(raw.contains("HTTP/1.1 200 OK") && raw.endsWith("Hello, World!"), raw);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        StringBuilder req = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            req.append("GET /query?q=").append(i).append(" HTTP/1.1\r\nHost: a\r\n\r\n");
        }
        req.append("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nT: x\r\n\r\n");
        req.append("GET /slow HTTP/1.1\r\nHost: a\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        String raw = RawHttp.exchange(server.port(), req.toString());
        int at = 0;
        for (int i = 0; i < 20; i++) {
            int next = raw.indexOf("\r\n\r\n" + i + "|null", at);
            assertTrue(next >= at, "response " + i + " in order: " + raw);
            at = next;
        }
        assertTrue(raw.indexOf("abc", at) > at, raw);
        assertTrue(raw.indexOf("slept") < raw.indexOf("Hello, World!"), raw);
        assertEquals(23, RawHttp.count(raw, "HTTP/1.1 200 OK"), raw);
    }

    @Test
    void requestSplitAtEveryByteBoundaryIsParsed() throws Exception {
        byte[] req = ("POST /echo?x=1 HTTP/1.1\r\nHost: a\r\nX-A: b\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "2;e=1\r\nhi\r\n1\r\n!\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int split = 1; split < req.length; split++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
                s.setSoTimeout(5000);
                s.setTcpNoDelay(true);
                OutputStream out = s.getOutputStream();
                out.write(req, 0, split);
                out.flush();
                Thread.sleep(1);
                out.write(req, split, req.length - split);
                out.write("GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String raw = RawHttp.readAll(s.getInputStream());
                assertTrue(raw.startsWith("HTTP/1.1 200 OK") && raw.contains("\r\n\r\nhi!HTTP/1.1 200 OK"), "split " + split + ": " + raw);
            }
        }
    }

    @Test
    void headHttp10AndConnectionClose() throws Exception {
        String head = RawHttp.exchange(server.port(), "HEAD /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        assertTrue(head.contains("Content-Length: 13\r\n") && head.endsWith("\r\n\r\n"), head);
        String old = RawHttp.exchange(server.port(), "GET /hello HTTP/1.0\r\n\r\n");
        assertTrue(old.contains("Connection: close\r\n") && old.endsWith("Hello, World!"), old);
        String kept = RawHttp.exchange(server.port(), "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                + "GET /hello HTTP/1.0\r\n\r\n");
        assertEquals(2, RawHttp.count(kept, "Hello, World!"), kept);
        assertTrue(kept.contains("Connection: keep-alive\r\n"), kept);
    }

    @Test
    void expectContinueIsAnsweredWhenTheBodyIsRead() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] b = new byte[25];
            int n = 0;
            while (n < b.length) {
                n += s.getInputStream().read(b, n, b.length - n);
            }
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", new String(b, StandardCharsets.US_ASCII));
            s.getOutputStream().write("xyzGET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String raw = RawHttp.readAll(s.getInputStream());
            assertTrue(raw.contains("\r\n\r\nxyzHTTP/1.1 200 OK"), raw);
        }
    }

    @Test
    void abruptDisconnectsDoNotHurtTheServer() throws Exception {
        for (String partial : new String[] {"GET /hel", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc",
                "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n"}) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
                s.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));
                s.setSoLinger(true, 0); // reset
            }
        }
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/hello")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("Hello, World!", r.body());
    }

    @Test
    void curlGetsHelloAndPostsAFile() throws Exception {
        Process p = new ProcessBuilder("curl", "-s", "-i", "--max-time", "10", "http://127.0.0.1:" + server.port() + "/hello")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(15, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.startsWith("HTTP/1.1 200 OK") && out.endsWith("Hello, World!"), out);
        Process post = new ProcessBuilder("curl", "-s", "--max-time", "10", "-H", "Transfer-Encoding: chunked",
                "--data-binary", "fibers!", "http://127.0.0.1:" + server.port() + "/echo").redirectErrorStream(true).start();
        String echoed = new String(post.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(post.waitFor(15, TimeUnit.SECONDS));
        assertEquals("fibers!", echoed);
    }
}
