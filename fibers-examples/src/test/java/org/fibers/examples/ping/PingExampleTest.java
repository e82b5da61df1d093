package org.fibers.examples.ping;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fibers.io.FiberServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PingExampleTest {
    private FiberServerSocket server;
    private Thread serverThread;

    /** Starts PingServer on an ephemeral port with a 16-byte line limit and a 1 s idle timeout. */
    private int startServer() throws Exception {
        CompletableFuture<FiberServerSocket> listening = new CompletableFuture<>();
        PingServer.Options o = new PingServer.Options("127.0.0.1", 0, 16, Duration.ofSeconds(1), 2);
        serverThread = new Thread(() -> PingServer.run(o, listening::complete));
        serverThread.start();
        server = listening.get(10, TimeUnit.SECONDS);
        return server.localPort();
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server != null) {
            server.close();
            serverThread.join(10_000);
        }
    }

    @Test
    void theDemoRunsServerAndClientAndEveryEchoMatches() throws Exception {
        assertTrue(PingDemo.run(50, 200));
    }

    @Test
    void theServerSpeaksGuilesProtocolByteForByte() throws Exception {
        int port = startServer();
        // What Guile's ping-client.scm puts on the wire: "test-<n>" and a newline, flushed,
        // then read-line; several clients at once.
        for (int n = 0; n < 3; n++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setTcpNoDelay(true);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                for (int m = 0; m < 5; m++) {
                    out.write(("test-" + n + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    assertArrayEquals(("test-" + n + "\n").getBytes(StandardCharsets.US_ASCII), readExactly(in, 6 + 1));
                }
                // Guile's read-line keeps a '\r' and so do we; a last line without newline is echoed with one.
                out.write("a\r\nb".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                assertEquals("a\r\nb\n", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void theClientSpeaksGuilesProtocolByteForByte() throws Exception {
        // A minimal server doing what Guile's ping-server.scm does (read-line, put-string, newline,
        // force-output), recording the bytes it receives.
        try (ServerSocket guile = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try (Socket s = guile.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                    OutputStream out = s.getOutputStream();
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    String line;
                    while ((line = in.readLine()) != null) {
                        all.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                    return all.toString(StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            PingClient.Result r = PingClient.run("127.0.0.1", guile.getLocalPort(), 1, 3, 1);
            assertTrue(r.ok(), r.toString());
            assertEquals("test-0\ntest-0\ntest-0\n", seen.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aLineLongerThanTheLimitGetsAClearErrorThenTheConnectionCloses() throws Exception {
        int port = startServer();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            out.write("sixteen-bytes-ok\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("sixteen-bytes-ok", in.readLine());
            out.write("seventeen-bytes!!\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("ERROR line longer than 16 bytes", in.readLine());
            assertNull(in.readLine(), "then the server closes");
        }
    }

    @Test
    void anIdleConnectionIsToldAndClosed() throws Exception {
        int port = startServer();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            long t0 = System.nanoTime();
            assertEquals("ERROR idle for 1 s", in.readLine());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 900 && ms < 5000, "closed after " + ms + " ms");
            assertNull(in.readLine());
        }
    }

    @Test
    void theClientReportsABadEcho() throws Exception {
        try (ServerSocket liar = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture.runAsync(() -> {
                try (Socket s = liar.accept()) {
                    new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                    s.getOutputStream().write("not-it\n".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            PingClient.Result r = PingClient.run("127.0.0.1", liar.getLocalPort(), 1, 3, 1);
            assertEquals(1, r.failures());
            assertTrue(r.firstFailure().contains("Bad response: not-it (expected test-0)"), r.firstFailure());
        }
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        assertEquals(n, b.length, "short read");
        return b;
    }
}
