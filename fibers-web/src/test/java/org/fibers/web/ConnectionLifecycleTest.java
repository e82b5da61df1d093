package org.fibers.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fibers.FiberCancelledException;
import org.fibers.Fibers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Clients that vanish, requests split into single bytes, and a close with requests in flight. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectionLifecycleTest {
    static final byte[] BIG = new byte[4 << 20];

    static Response handle(Request r, CountDownLatch entered, AtomicBoolean cancelled) throws Exception {
        switch (r.path()) {
            case "/big":
                return Response.of(200, "application/octet-stream", BIG);
            case "/stream":
                return Response.status(200).body(out -> {
                    byte[] piece = new byte[64 * 1024];
                    for (int i = 0; i < 256; i++) {
                        out.write(piece);
                        out.flush();
                    }
                });
            case "/echo":
                return Response.ok("got " + r.bodyString());
            case "/quick":
                entered.countDown();
                Fibers.sleep(Duration.ofMillis(300));
                return Response.ok("quick done");
            case "/stuck":
                entered.countDown();
                try {
                    Fibers.sleep(Duration.ofSeconds(60));
                } catch (FiberCancelledException e) {
                    cancelled.set(true);
                    throw e;
                }
                return Response.ok("never");
            default:
                return Response.ok("Hello, World!");
        }
    }

    static FiberWebServer server(Duration grace, CountDownLatch entered, AtomicBoolean cancelled) throws IOException {
        return FiberWebServer.builder().parallelism(2).gracePeriod(grace)
                .handler(r -> handle(r, entered, cancelled)).build().start();
    }

    static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void clientsThatVanishLeaveNoStackTraceAndTheServerGoesOn() throws Exception {
        try (LogCapture log = new LogCapture();
                FiberWebServer server = server(Duration.ofSeconds(1), new CountDownLatch(0), new AtomicBoolean())) {
            String[] partials = {
                "GET /hel",                                                                  // inside the request line
                "GET / HTTP/1.1\r\nHost: a\r\nX-Long: abc",                                  // inside the headers
                "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc",            // inside a fixed body
                "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", // inside a chunk
                "GET /big HTTP/1.1\r\nHost: a\r\n\r\n",                                       // while 4 MiB go out
                "GET /stream HTTP/1.1\r\nHost: a\r\n\r\n",                                    // while chunks go out
            };
            for (int round = 0; round < 3; round++) {
                for (String p : partials) {
                    try (Socket s = connect(server.port())) {
                        send(s, p);
                        if (p.contains("/big") || p.contains("/stream")) {
                            s.getInputStream().read(new byte[1000]); // the response has begun
                        }
                        if (round != 1) {
                            s.setSoLinger(true, 0); // rounds 0 and 2 reset, round 1 closes with a FIN
                        }
                    }
                }
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> server.openConnections() == 0);
            String hello = RawHttp.exchange(server.port(), "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertTrue(hello.endsWith("Hello, World!"), hello);
            assertFalse(log.hasTroubles(), log.text());
        }
    }

    @Test
    void requestsSentOneByteAtATimeAreServed() throws Exception {
        try (FiberWebServer server = server(Duration.ofSeconds(1), new CountDownLatch(0), new AtomicBoolean());
                Socket s = connect(server.port())) {
            s.setTcpNoDelay(true);
            byte[] req = ("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
                    + "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n"
                    + "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            OutputStream out = s.getOutputStream();
            for (byte b : req) {
                out.write(b);
                out.flush();
                if ((b & 7) == 0) {
                    Thread.sleep(1); // let some bytes arrive alone
                }
            }
            String raw = RawHttp.readAll(s.getInputStream());
            int hello = raw.indexOf("got hello");
            int abc = raw.indexOf("got abc");
            assertTrue(hello > 0 && abc > hello && raw.endsWith("Hello, World!"), raw);
            assertEquals(3, RawHttp.count(raw, "HTTP/1.1 200 OK"), raw);
        }
    }

    @Test
    void closeLetsRequestsInFlightFinishWithinGraceThenCancelsTheRest() throws Exception {
        CountDownLatch entered = new CountDownLatch(2);
        AtomicBoolean cancelled = new AtomicBoolean();
        FiberWebServer server = server(Duration.ofSeconds(1), entered, cancelled);
        int port = server.port();
        try (Socket idle = connect(port); Socket quick = connect(port); Socket stuck = connect(port)) {
            send(idle, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertTrue(readResponse(idle).endsWith("Hello, World!"));
            send(quick, "GET /quick HTTP/1.1\r\nHost: a\r\n\r\n");
            send(stuck, "GET /stuck HTTP/1.1\r\nHost: a\r\n\r\n");
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            long t0 = System.nanoTime();
            server.close();
            long took = System.nanoTime() - t0;
            // the kept-alive idle connection is closed at once, with nothing more sent
            assertEquals("", RawHttp.readAll(idle.getInputStream()));
            String q = RawHttp.readAll(quick.getInputStream());
            assertTrue(q.startsWith("HTTP/1.1 200 OK") && q.endsWith("quick done"), q);
            assertEquals("", RawHttp.readAll(stuck.getInputStream()));
            assertTrue(cancelled.get(), "the stuck handler was cancelled");
            assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(900), "close waited for the grace period: " + took);
            assertTrue(took < TimeUnit.SECONDS.toNanos(20), "close returned: " + took);
            assertEquals(0, server.openConnections());
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }

    /** Reads one response with a Content-Length body (enough for these tests' small answers). */
    static String readResponse(Socket s) throws IOException {
        StringBuilder sb = new StringBuilder();
        var in = s.getInputStream();
        int length = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return sb.toString();
            }
            sb.append((char) c);
            if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
                String head = sb.toString();
                int i = head.indexOf("Content-Length: ");
                length = Integer.parseInt(head.substring(i + 16, head.indexOf('\r', i)));
                break;
            }
        }
        for (int i = 0; i < length; i++) {
            sb.append((char) in.read());
        }
        return sb.toString();
    }
}
