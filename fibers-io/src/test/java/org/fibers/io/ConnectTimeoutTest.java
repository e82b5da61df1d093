package org.fibers.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
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
 * {@link FiberSocket#connect(InetSocketAddress, Duration)}: a connect whose SYNs are dropped (a
 * listener on 127.0.0.1 whose accept queue is full and that never accepts) fails with a
 * {@link SocketTimeoutException} at the deadline instead of the kernel's two minutes, from a
 * plain thread and from a fiber; a connect that succeeds returns a socket that the expired
 * timer leaves open and working; a refused one still fails at once with a ConnectException.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectTimeoutTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    @Test
    void aConnectThatHangsTimesOutFromAThreadAndFromAFiber() throws Exception {
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            fill(full, fillers);
            InetSocketAddress target = (InetSocketAddress) full.getLocalSocketAddress();
            timesOut(target);
            Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
                timesOut(target);
                return null;
            });
        } finally {
            for (Socket s : fillers) {
                s.close();
            }
        }
    }

    private static void timesOut(InetSocketAddress target) {
        long start = System.nanoTime();
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> FiberSocket.connect(target, TIMEOUT).close());
        long took = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().contains("timed out after 300 ms") && e.getMessage().contains(String.valueOf(target.getPort())),
                e.getMessage());
        assertTrue(took >= 250 && took < 3000, "took " + took + " ms");
    }

    @Test
    void aConnectedSocketOutlivesItsDeadline() throws Exception {
        Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            try (FiberServerSocket server = FiberServerSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                Fibers.spawn(() -> {
                    try (FiberSocket c = server.accept()) {
                        String line = c.readLine();
                        c.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                        c.flush();
                    }
                    return null;
                });
                try (FiberSocket s = FiberSocket.connect(server.localAddress(), Duration.ofMillis(50))) {
                    Fibers.sleep(Duration.ofMillis(200)); // well past the connect's deadline
                    s.write("still open\n".getBytes(StandardCharsets.UTF_8));
                    s.flush();
                    assertEquals("still open", s.readLine());
                }
            }
            return null;
        });
    }

    @Test
    void aRefusedConnectFailsAtOnce() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        long start = System.nanoTime();
        assertThrows(ConnectException.class,
                () -> FiberSocket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), Duration.ofSeconds(5)));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
    }

    /** Connects plain sockets until one hangs: the accept queue is full, later SYNs are dropped. */
    private static void fill(ServerSocket listener, List<Socket> fillers) throws IOException {
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(listener.getLocalSocketAddress(), 200);
                fillers.add(s);
            } catch (SocketTimeoutException queueFull) {
                s.close();
                return;
            }
        }
        throw new IllegalStateException("the accept queue never filled up");
    }
}
