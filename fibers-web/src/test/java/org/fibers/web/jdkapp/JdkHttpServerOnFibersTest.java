package org.fibers.web.jdkapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import com.sun.net.httpserver.spi.HttpServerProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fibers.web.jdk.FiberHttpServer;
import org.fibers.web.jdk.FiberHttpServerProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link GreetingApplication}, written for the JDK's server, runs on fibers: HttpClient, curl and raw sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JdkHttpServerOnFibersTest {
    static GreetingApplication app;
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        app = new GreetingApplication();
        app.server().start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        app.server().stop(0);
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + app.server().getAddress().getPort() + path);
    }

    static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theServiceFileSelectsOurProvider() {
        assertInstanceOf(FiberHttpServerProvider.class, HttpServerProvider.provider());
        assertInstanceOf(FiberHttpServer.class, app.server());
    }

    @Test
    void filtersRunAndTheHandlerRunsInAFiberWhateverTheExecutor() throws Exception {
        HttpResponse<String> r = get("/hello");
        assertEquals(200, r.statusCode());
        assertEquals("Hello, World!", r.body());
        assertEquals("seen GET", r.headers().firstValue("x-filter").orElseThrow());
        assertEquals("true", r.headers().firstValue("x-virtual").orElseThrow());
        assertEquals("13", r.headers().firstValue("content-length").orElseThrow());
        assertTrue(app.server().getExecutor() != null);
    }

    @Test
    void streamingBodiesBothWaysAndChunkedForLengthZero() throws Exception {
        byte[] big = new byte[300_000];
        new Random(7).nextBytes(big);
        HttpResponse<byte[]> fixed = client.send(HttpRequest.newBuilder(uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, fixed.statusCode());
        assertEquals("chunked", fixed.headers().firstValue("transfer-encoding").orElseThrow());
        assertTrue(Arrays.equals(big, fixed.body()));
        HttpResponse<byte[]> chunked = client.send(HttpRequest.newBuilder(uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertTrue(Arrays.equals(big, chunked.body()));
    }

    @Test
    void minusOneMeansNoBody() throws Exception {
        String raw = raw("GET /nobody HTTP/1.1\r\nHost: a\r\n\r\nGET /nocontent HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        assertTrue(raw.startsWith("HTTP/1.1 200 OK\r\n") && raw.contains("Content-Length: 0\r\n"), raw);
        assertTrue(raw.contains("HTTP/1.1 204 No Content\r\n") && raw.endsWith("\r\n\r\n"), raw);
    }

    @Test
    void exchangeReportsTheRequestAsTheJdkDoes() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/info/x?a=%20b")).header("X-Custom", "c")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("GET /info/x?a=%20b HTTP/1.1 /info yes c", r.body());
    }

    @Test
    void contextsMatchTheLongestPrefixAndNoneGives404() throws Exception {
        assertEquals("file /files/a/b.txt", get("/files/a/b.txt").body());
        assertEquals(404, get("/nothing-here").statusCode());
        assertEquals(200, get("/hello-world").statusCode()); // a string prefix, as with the JDK
    }

    @Test
    void basicAuthenticatorChallengesAndAdmits() throws Exception {
        HttpResponse<String> no = get("/private");
        assertEquals(401, no.statusCode());
        String challenge = no.headers().firstValue("www-authenticate").orElseThrow();
        assertTrue(challenge.startsWith("Basic realm=\"fibers\""), challenge);
        String wrong = "Basic " + Base64.getEncoder().encodeToString("alice:guess".getBytes(StandardCharsets.UTF_8));
        assertEquals(401, client.send(HttpRequest.newBuilder(uri("/private")).header("Authorization", wrong).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        String right = "Basic " + Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> yes = client.send(HttpRequest.newBuilder(uri("/private")).header("Authorization", right)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, yes.statusCode());
        assertEquals("hello alice", yes.body());
    }

    @Test
    void manySlowRequestsAreServedAtOnce() throws Exception {
        // 40 requests that each sleep 500 ms in their handler are all in flight together
        CompletableFuture<?>[] all = new CompletableFuture<?>[40];
        for (int i = 0; i < all.length; i++) {
            all[i] = client.sendAsync(HttpRequest.newBuilder(uri("/slow?500")).build(), HttpResponse.BodyHandlers.ofString())
                    .thenAccept(r -> assertEquals("slept 500", r.body()));
        }
        CompletableFuture.allOf(all).get(30, TimeUnit.SECONDS);
    }

    @Test
    void curlGetsAndPosts() throws Exception {
        String out = curl("-s", "-i", uri("/hello").toString());
        assertTrue(out.startsWith("HTTP/1.1 200 OK") && out.endsWith("Hello, World!"), out);
        assertEquals("fibers!", curl("-s", "-H", "Transfer-Encoding: chunked", "--data-binary", "fibers!", uri("/echo").toString()));
        assertEquals("hello alice", curl("-s", "-u", "alice:secret", uri("/private").toString()));
    }

    @Test
    void httpsIsNotProvided() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
        assertTrue(e.getMessage().contains("HttpsServer is not provided"), e.getMessage());
    }

    @Test
    void stopLetsExchangesFinishWithinTheDelayThenCancelsTheRest() throws Exception {
        GreetingApplication other = new GreetingApplication();
        HttpServer s = other.server();
        s.start();
        int port = s.getAddress().getPort();
        try (Socket quick = new Socket("127.0.0.1", port); Socket stuck = new Socket("127.0.0.1", port)) {
            quick.setSoTimeout(20_000);
            stuck.setSoTimeout(20_000);
            send(quick, "GET /slow?300 HTTP/1.1\r\nHost: a\r\n\r\n");
            send(stuck, "GET /slow?60000 HTTP/1.1\r\nHost: a\r\n\r\n");
            Thread.sleep(100); // both handlers are sleeping
            long t0 = System.nanoTime();
            s.stop(2);
            long took = System.nanoTime() - t0;
            String q = readAll(quick.getInputStream());
            // finished within the delay; then the connection was closed (readAll saw its end)
            assertTrue(q.startsWith("HTTP/1.1 200 OK") && q.endsWith("slept 300"), q);
            assertEquals("", readAll(stuck.getInputStream())); // cancelled: closed without a response
            assertTrue(took < TimeUnit.SECONDS.toNanos(15), "stop(2) took " + took / 1_000_000 + " ms");
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }

    @Test
    void unboundServersBindLaterAndRefuseABadStart() throws Exception {
        HttpServer s = HttpServer.create();
        assertEquals(null, s.getAddress());
        assertThrows(IllegalStateException.class, s::start);
        s.bind(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", t -> {
            t.sendResponseHeaders(200, -1);
            t.close();
        });
        assertThrows(IllegalArgumentException.class, () -> s.createContext("/", t -> t.close()));
        assertThrows(IllegalArgumentException.class, () -> s.createContext("no-slash"));
        s.start();
        try {
            assertThrows(IllegalStateException.class, s::start);
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/any")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            s.removeContext("/");
            assertFalse(client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/any")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        } finally {
            s.stop(0);
        }
    }

    static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    static String readAll(InputStream in) throws IOException {
        try {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (java.net.SocketException e) {
            return "<" + e.getMessage() + ">";
        }
    }

    static String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", app.server().getAddress().getPort())) {
            s.setSoTimeout(10_000);
            send(s, request);
            return readAll(s.getInputStream());
        }
    }

    static String curl(String... args) throws Exception {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "curl";
        cmd[1] = "--max-time";
        cmd[2] = "10";
        System.arraycopy(args, 0, cmd, 3, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(15, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
