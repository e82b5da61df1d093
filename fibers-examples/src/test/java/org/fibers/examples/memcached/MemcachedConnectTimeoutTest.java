package org.fibers.examples.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server whose connect never completes (a listening socket whose accept queue is full and
 * that never accepts: the kernel drops the SYNs, and a connect would wait for the kernel's own
 * timeout, about two minutes) fails its keys within the client's timeout, with a
 * {@code SERVER_DOWN} that says the connect timed out; the server is then marked down (its
 * keys fail at once), and the other server's keys are served throughout. From a plain thread
 * and from a fiber.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MemcachedConnectTimeoutTest {
    private static final Duration TIMEOUT = Duration.ofMillis(400);

    @Test
    void aConnectThatHangsFailsWithinTheTimeoutFromAThread() throws Exception {
        try (Blackhole hole = Blackhole.open(); OurServer live = OurServer.start()) {
            check(hole.port(), live.port());
        }
    }

    @Test
    void aConnectThatHangsFailsWithinTheTimeoutFromAFiber() throws Exception {
        try (Blackhole hole = Blackhole.open(); OurServer live = OurServer.start()) {
            Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
                check(hole.port(), live.port());
                return null;
            });
        }
    }

    private static void check(int holePort, int livePort) throws Exception {
        InetSocketAddress hole = new InetSocketAddress(InetAddress.getLoopbackAddress(), holePort);
        InetSocketAddress live = new InetSocketAddress(InetAddress.getLoopbackAddress(), livePort);
        try (MemcachedClient c = new MemcachedClient(List.of(hole, live),
                new MemcachedClient.Options(TIMEOUT, Duration.ofSeconds(30), 4, Ketama.NodeNaming.SPYMEMCACHED))) {
            String holeKey = null;
            String liveKey = null;
            for (int i = 0; holeKey == null || liveKey == null; i++) {
                if (c.serverFor("h" + i).getPort() == holePort) {
                    holeKey = holeKey == null ? "h" + i : holeKey;
                } else {
                    liveKey = liveKey == null ? "h" + i : liveKey;
                }
            }
            String hk = holeKey;
            long start = System.nanoTime();
            MemcachedException e = assertThrows(MemcachedException.class, () -> c.set(hk, 0, "x".getBytes(StandardCharsets.UTF_8)));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(MemcachedException.Kind.SERVER_DOWN, e.kind(), e.toString());
            assertEquals(hole, e.server());
            assertTrue(e.getMessage().contains("cannot connect") && e.getMessage().contains("timed out"), e.getMessage());
            assertNotNull(e.getCause());
            assertTrue(e.getCause() instanceof SocketTimeoutException, e.getCause().toString());
            assertTrue(tookMillis >= TIMEOUT.toMillis() - 50 && tookMillis < TIMEOUT.toMillis() + 3000, "took " + tookMillis + " ms");

            long again = System.nanoTime();
            MemcachedException down = assertThrows(MemcachedException.class, () -> c.get(hk));
            assertEquals(MemcachedException.Kind.SERVER_DOWN, down.kind());
            assertTrue((System.nanoTime() - again) / 1_000_000 < TIMEOUT.toMillis(), "marked down: fails at once");

            assertTrue(c.set(liveKey, 0, "fine".getBytes(StandardCharsets.UTF_8)));
            assertEquals("fine", new String(c.get(liveKey), StandardCharsets.UTF_8));
        }
    }

    /**
     * A listening socket on 127.0.0.1 with a backlog of 1 that never accepts, its accept queue
     * filled by plain connections, so that a further connect's SYNs are dropped.
     */
    private record Blackhole(ServerSocket listener, List<Socket> fillers) implements AutoCloseable {
        static Blackhole open() throws IOException {
            ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            List<Socket> fillers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Socket s = new Socket();
                try {
                    s.connect(listener.getLocalSocketAddress(), 200);
                    fillers.add(s);
                } catch (SocketTimeoutException full) {
                    s.close();
                    return new Blackhole(listener, fillers); // the queue is full: connects now hang
                }
            }
            for (Socket s : fillers) {
                s.close();
            }
            listener.close();
            throw new IllegalStateException("the accept queue never filled up");
        }

        int port() {
            return listener.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (Socket s : fillers) {
                s.close();
            }
            listener.close();
        }
    }
}
