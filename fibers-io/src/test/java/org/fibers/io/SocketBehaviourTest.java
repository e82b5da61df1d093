package org.fibers.io;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.fibers.Fiber;
import org.fibers.FiberCancelledException;
import org.fibers.FiberFailedException;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.io.poll.PolledFd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SocketBehaviourTest {
    private static final RunOptions TWO_CARRIERS = RunOptions.builder().parallelism(2).build();
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void payloadsLargerThanTheSocketBuffersArriveIntactThroughPartialReadsAndWrites() {
        int size = 24 << 20; // well above the kernel's largest auto-tuned socket buffers here
        Fibers.run(TWO_CARRIERS, () -> {
            try (FiberServerSocket server = FiberServerSocket.bind(ANY_LOOPBACK_PORT)) {
                AtomicInteger serverWriteWaits = new AtomicInteger();
                // Server: echo raw bytes in odd-sized chunks.
                Fibers.spawn(() -> {
                    try (FiberSocket c = server.accept()) {
                        byte[] chunk = new byte[3001];
                        int n;
                        while ((n = c.read(chunk, 0, chunk.length)) > 0) {
                            c.write(chunk, 0, n);
                            c.flush();
                        }
                        serverWriteWaits.set(c.writeWaits());
                    }
                    return null;
                });
                try (FiberSocket s = FiberSocket.connect(server.localAddress())) {
                    byte[] payload = pattern(size);
                    Fiber<Void> writer = Fibers.spawn(() -> {
                        for (int off = 0; off < size; off += 65536) {
                            s.write(payload, off, Math.min(65536, size - off));
                        }
                        s.shutdownOutput();
                        return null;
                    });
                    // Start reading late, so that both directions fill up and both writers must wait.
                    Fibers.sleep(Duration.ofMillis(300));
                    byte[] back = new byte[size];
                    s.readFully(back, 0, size);
                    writer.join();
                    assertEquals(-1, s.read(), "end of stream after the echo");
                    assertEquals(crc(payload), crc(back));
                    assertArrayEquals(payload, back);
                    assertTrue(s.writeWaits() > 0, "the client's writes were partial and had to wait");
                    await().atMost(Duration.ofSeconds(5)).until(() -> serverWriteWaits.get() > 0);
                }
            }
            return null;
        });
    }

    @Test
    void peerResetMidLineFailsTheReaderAndTheServerKeepsServing() {
        Fibers.run(TWO_CARRIERS, () -> {
            try (FiberServerSocket server = FiberServerSocket.bind(ANY_LOOPBACK_PORT)) {
                AtomicReference<Throwable> seen = new AtomicReference<>();
                Fiber<Void> handler = Fibers.spawn(() -> {
                    try (FiberSocket c = server.accept()) {
                        c.readLine();
                    } catch (IOException e) {
                        seen.set(e);
                    }
                    return null;
                });
                FiberSocket client = FiberSocket.connect(server.localAddress());
                client.write("half a li");
                client.flush();
                Fibers.sleep(Duration.ofMillis(50));
                client.setSoLinger(0);
                client.close(); // RST
                handler.join();
                assertInstanceOf(SocketException.class, seen.get());
                assertTrue(seen.get().getMessage().contains("reset"), seen.get().getMessage());

                // The listening socket is unaffected.
                Fibers.spawn(() -> {
                    try (FiberSocket c = server.accept()) {
                        c.write(c.readLine() + "\n");
                        c.flush();
                    }
                    return null;
                });
                try (FiberSocket again = FiberSocket.connect(server.localAddress())) {
                    again.write("still there?\n");
                    again.flush();
                    assertEquals("still there?", again.readLine());
                }
            }
            return null;
        });
    }

    @Test
    void closingASocketWakesItsBlockedReaderWithAnError() {
        Fibers.run(TWO_CARRIERS, () -> {
            try (EchoServer server = EchoServer.start(); FiberSocket s = FiberSocket.connect(server.address())) {
                Fiber<String> reader = Fibers.spawn((java.util.concurrent.Callable<String>) s::readLine);
                PolledFd pfd = s.polledFd();
                await().atMost(Duration.ofSeconds(5)).until(() -> pfd.waiterCount(PolledFd.READ) == 1);
                s.close();
                FiberFailedException e = assertThrows(FiberFailedException.class, reader::join);
                assertInstanceOf(AsynchronousCloseException.class, e.getCause());
                assertEquals(0, pfd.waiterCount(PolledFd.READ));
                assertThrows(IOException.class, s::readLine, "a closed socket stays closed");
            }
            return null;
        });
    }

    @Test
    void aCancelledReaderWakesWithFiberCancelledAndWithdrawsItsWaiter() {
        Fibers.run(TWO_CARRIERS, () -> {
            try (EchoServer server = EchoServer.start(); FiberSocket s = FiberSocket.connect(server.address())) {
                Fiber<String> reader = Fibers.spawn((java.util.concurrent.Callable<String>) s::readLine);
                PolledFd pfd = s.polledFd();
                await().atMost(Duration.ofSeconds(5)).until(() -> pfd.waiterCount(PolledFd.READ) == 1);
                assertTrue(reader.cancel());
                assertThrows(FiberCancelledException.class, reader::join);
                assertEquals(0, pfd.waiterCount(PolledFd.READ));
                // The socket itself is fine: another fiber can use it.
                s.write("after cancel\n");
                s.flush();
                assertEquals("after cancel", s.readLine());
            }
            return null;
        });
    }

    @Test
    @Timeout(60)
    void cancellingAnAcceptorThenClosingItsServerAlwaysEndsItWithFiberCancelled() {
        // The usual shutdown. Whether the acceptor runs before the close, after it, or never
        // reached accept at all, its join reports the cancellation, never a closed-channel error.
        Fibers.run(TWO_CARRIERS, () -> {
            for (int round = 0; round < 300; round++) {
                FiberServerSocket server = FiberServerSocket.bind("127.0.0.1", 0);
                Fiber<FiberSocket> acceptor = Fibers.spawn(
                        (java.util.concurrent.Callable<FiberSocket>) server::accept);
                switch (round % 3) {
                    case 0 -> await().atMost(Duration.ofSeconds(5))
                            .until(() -> server.polledFd().waiterCount(PolledFd.READ) == 1);
                    case 1 -> Fibers.yieldNow();
                    default -> { } // cancel before the acceptor may have started
                }
                acceptor.cancel();
                server.close();
                int r = round;
                FiberCancelledException e = assertThrows(FiberCancelledException.class, acceptor::join,
                        () -> "round " + r);
                assertTrue(acceptor.isCancelled(), e.toString());
            }
            return null;
        });
    }

    @Test
    void readTimeoutFailsAnIdleReadAndLeavesTheSocketUsable() {
        Fibers.run(TWO_CARRIERS, () -> {
            try (EchoServer server = EchoServer.start(); FiberSocket s = FiberSocket.connect(server.address())) {
                s.setReadTimeout(Duration.ofMillis(100));
                long t0 = System.nanoTime();
                SocketTimeoutException e = assertThrows(SocketTimeoutException.class, s::readLine);
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(waited >= 90 && waited < 2000, "timed out after " + waited + " ms: " + e.getMessage());
                // Reads that get data in time are not affected, however many there are.
                for (int i = 0; i < 200; i++) {
                    s.write("ping " + i + "\n");
                    s.flush();
                    assertEquals("ping " + i, s.readLine());
                }
                assertThrows(SocketTimeoutException.class, s::readLine);
            }
            return null;
        });
    }

    @Test
    void aLineLongerThanTheLimitIsAClearError() {
        Fibers.run(TWO_CARRIERS, () -> {
            try (EchoServer server = EchoServer.start(); FiberSocket s = FiberSocket.connect(server.address())) {
                s.setMaxLineLength(16);
                s.write("short\n" + "x".repeat(16) + "\n");
                s.flush();
                assertEquals("short", s.readLine());
                assertEquals("x".repeat(16), s.readLine(), "exactly at the limit is fine");
                s.write("y".repeat(40) + "\n");
                s.flush();
                LineTooLongException e = assertThrows(LineTooLongException.class, s::readLine);
                assertEquals(16, e.limit());
                assertTrue(e.getMessage().contains("16 bytes"), e.getMessage());
            }
            return null;
        });
    }

    @Test
    void halfCloseLetsThePeerAnswerAfterEndOfStream() {
        Fibers.run(TWO_CARRIERS, () -> {
            try (FiberServerSocket server = FiberServerSocket.bind(ANY_LOOPBACK_PORT)) {
                Fibers.spawn(() -> {
                    try (FiberSocket c = server.accept()) {
                        int lines = 0;
                        while (c.readLine() != null) {
                            lines++;
                        }
                        c.write("got " + lines + " lines\n");
                        c.flush();
                    }
                    return null;
                });
                try (FiberSocket s = FiberSocket.connect(server.localAddress())) {
                    s.write("a\nb\nc\n");
                    s.shutdownOutput();
                    assertEquals("got 3 lines", s.readLine());
                    assertNull(s.readLine());
                }
            }
            return null;
        });
    }

    @Test
    void ipv6LoopbackWorksLikeIpv4() throws IOException {
        InetAddress v6 = InetAddress.getByName("::1");
        Fibers.run(TWO_CARRIERS, () -> {
            try (EchoServer server = EchoServer.start(v6); FiberSocket s = FiberSocket.connect(server.address())) {
                assertEquals(v6, server.address().getAddress());
                s.write("over ipv6\n");
                s.flush();
                assertEquals("over ipv6", s.readLine());
                assertEquals(v6, s.remoteAddress().getAddress());
            }
            return null;
        });
    }

    @Test
    void portZeroBindsAFreePortAndARefusedConnectIsAConnectException() {
        Fibers.run(TWO_CARRIERS, () -> {
            int port;
            try (FiberServerSocket a = FiberServerSocket.bind(ANY_LOOPBACK_PORT);
                 FiberServerSocket b = FiberServerSocket.bind(ANY_LOOPBACK_PORT)) {
                assertTrue(a.localPort() > 0);
                assertNotEquals(a.localPort(), b.localPort());
                port = a.localPort();
            }
            InetSocketAddress nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            assertThrows(ConnectException.class, () -> FiberSocket.connect(nobody));
            return null;
        });
    }

    @Test
    void connectByHostNameResolvesOffTheCarrier() {
        Fibers.run(TWO_CARRIERS, () -> {
            try (EchoServer server = EchoServer.start();
                 FiberSocket s = FiberSocket.connect("localhost", server.address().getPort())) {
                s.write("by name\n");
                s.flush();
                assertEquals("by name", s.readLine());
            }
            return null;
        });
    }

    @Test
    void plainThreadsBlockInsteadOfSuspending() throws Exception {
        try (FiberServerSocket server = FiberServerSocket.bind(ANY_LOOPBACK_PORT)) {
            Thread serverThread = new Thread(() -> {
                try (FiberSocket c = server.accept()) {
                    String line;
                    while ((line = c.readLine()) != null) {
                        c.write(line.toUpperCase() + "\n");
                        c.flush();
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            serverThread.start();
            try (FiberSocket s = FiberSocket.connect(server.localAddress())) {
                for (int i = 0; i < 50; i++) {
                    s.write("plain " + i + "\n");
                    s.flush();
                    assertEquals("PLAIN " + i, s.readLine());
                }
            }
            serverThread.join(5000);
            assertTrue(!serverThread.isAlive());
        }
    }

    static byte[] pattern(int size) {
        byte[] b = new byte[size];
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < size; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b[i] = (byte) x;
        }
        return b;
    }

    private static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }
}
