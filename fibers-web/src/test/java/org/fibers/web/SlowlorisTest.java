package org.fibers.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A slowloris holds 1000 connections, each dribbling a request head a byte at a time or sending
 * nothing at all; a normal client is served all the while, and the read-header and idle
 * timeouts end every held connection (408 for a head begun, a plain close for an idle one).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SlowlorisTest {
    static final int HELD = 1000;

    @Test
    void aSlowlorisOf1000ConnectionsDoesNotStopANormalClient() throws Exception {
        try (FiberWebServer server = FiberWebServer.builder().parallelism(2).backlog(2048)
                .readHeaderTimeout(Duration.ofSeconds(3)).idleTimeout(Duration.ofSeconds(3))
                .handler(r -> Response.ok("Hello, World!")).build().start()) {
            List<Socket> held = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread dribbler = null;
            try {
                for (int i = 0; i < HELD; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
                    s.setSoTimeout(20_000);
                    if (i % 2 == 0) {
                        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    } // odd ones never send a byte
                    held.add(s);
                }
                dribbler = new Thread(() -> dribble(held, stop), "slowloris");
                dribbler.start();
                await().atMost(Duration.ofSeconds(20)).until(() -> server.openConnections() >= HELD);

                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build();
                for (int i = 0; i < 20; i++) {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/n" + i))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals("Hello, World!", r.body());
                }

                int timedOut408 = 0;
                int closedIdle = 0;
                for (int i = 0; i < HELD; i++) {
                    String got = readAll(held.get(i).getInputStream());
                    if (i % 2 == 0) {
                        assertTrue(got.startsWith("HTTP/1.1 408 ") || got.isEmpty(), "dribbler " + i + ": " + got);
                        timedOut408 += got.startsWith("HTTP/1.1 408 ") ? 1 : 0;
                    } else {
                        assertEquals("", got, "idle " + i);
                        closedIdle++;
                    }
                }
                assertTrue(timedOut408 >= HELD / 2 * 9 / 10, "most dribblers got 408: " + timedOut408);
                assertEquals(HELD / 2, closedIdle);
                await().atMost(Duration.ofSeconds(20)).until(() -> server.openConnections() <= 1);
            } finally {
                stop.set(true);
                if (dribbler != null) {
                    dribbler.join(10_000);
                }
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    /** One byte per held head every 200 ms, until told to stop or 30 s have passed. */
    static void dribble(List<Socket> held, AtomicBoolean stop) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        boolean[] dead = new boolean[held.size()];
        while (!stop.get() && System.nanoTime() < end) {
            for (int i = 0; i < held.size(); i += 2) {
                if (!dead[i]) {
                    try {
                        held.get(i).getOutputStream().write('x');
                    } catch (IOException e) {
                        dead[i] = true; // the server has closed it
                    }
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static String readAll(InputStream in) throws IOException {
        byte[] b = new byte[4096];
        StringBuilder sb = new StringBuilder();
        try {
            int n;
            while ((n = in.read(b)) >= 0) {
                sb.append(new String(b, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (java.net.SocketException e) {
            // a reset after the response (our dribbles arrived after the server closed): what came is kept
        }
        return sb.toString();
    }
}
