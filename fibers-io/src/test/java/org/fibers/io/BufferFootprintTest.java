package org.fibers.io;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A socket holds a native buffer only while bytes sit in it (received and not consumed, or
 * written and not flushed): a connection waiting for its next request holds none, and close() gives buffers back at once, not at the next GC.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BufferFootprintTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final RunOptions ONE_CARRIER = RunOptions.builder().parallelism(1).build();

    @Test
    void anIdleConnectionHoldsNoBufferAndAPartialLineHoldsOne() {
        Fibers.run(ONE_CARRIER, () -> {
            try (FiberServerSocket server = FiberServerSocket.bind(ANY_LOOPBACK_PORT)) {
                FiberSocket[] accepted = new FiberSocket[1];
                Fiber<Void> echo = Fibers.spawn(() -> {
                    try (FiberSocket c = server.accept()) {
                        accepted[0] = c;
                        String line;
                        while ((line = c.readLine()) != null) {
                            c.write(line + "\n");
                            c.flush();
                        }
                    }
                    return null;
                });
                try (FiberSocket client = FiberSocket.connect(server.localAddress())) {
                    for (int i = 0; i < 3; i++) {
                        client.write("ping " + i + "\n");
                        client.flush();
                        assertEquals("ping " + i, client.readLine());
                    }
                    FiberSocket s = accepted[0];
                    awaitParkedInRead(s);
                    // Both ends wait for input with nothing buffered and nothing to send.
                    assertEquals(0, s.heldBuffers(), "the server's idle connection");
                    assertEquals(0, client.heldBuffers(), "the client between requests");

                    client.write("half a line"); // buffered, not flushed: the writer holds its buffer
                    assertEquals(1, client.heldBuffers());
                    client.write("\n");
                    client.flush();
                    assertEquals(0, client.heldBuffers(), "flushed: the buffer went back");
                    assertEquals("half a line", client.readLine());
                    assertEquals(0, client.heldBuffers(), "the echo was consumed: nothing sits in the buffer");
                    awaitParkedInRead(s);
                    assertEquals(0, s.heldBuffers(), "the line was consumed: back to none");
                }
                echo.join();
            }
            return null;
        });
    }

    @Test
    void aBufferIsHeldWhileReceivedBytesSitInIt() {
        Fibers.run(ONE_CARRIER, () -> {
            try (FiberServerSocket server = FiberServerSocket.bind(ANY_LOOPBACK_PORT);
                 FiberSocket client = FiberSocket.connect(server.localAddress());
                 FiberSocket s = server.accept()) {
                client.write("hello\nworld\n");
                client.flush();
                awaitReadable(s);
                assertEquals("hello", s.readLine()); // one recv took both lines
                assertEquals(1, s.heldBuffers(), "\"world\" sits in the read buffer");
                assertEquals(6, s.available());
                assertEquals("world", s.readLine());
                assertEquals(0, s.heldBuffers(), "all consumed");
            }
            return null;
        });
    }

    @Test
    void closingTenThousandConnectionsGivesEveryBufferBackWithoutAGc() {
        int pairs = 5_000; // 10,000 connections (both ends are ours), 15,000 buffers held
        Fibers.run(ONE_CARRIER, () -> {
            long borrowedBefore = BufferPool.borrowed();
            List<FiberSocket> all = new ArrayList<>(2 * pairs);
            try (FiberServerSocket server = FiberServerSocket.bind(ANY_LOOPBACK_PORT)) {
                byte[] one = new byte[1];
                for (int i = 0; i < pairs; i++) {
                    FiberSocket client = FiberSocket.connect(server.localAddress());
                    all.add(client);
                    FiberSocket s = server.accept();
                    all.add(s);
                    client.write("hello");
                    client.flush();
                    assertEquals(1, s.read(one, 0, 1)); // the other four bytes stay in its read buffer
                    s.write("unsent");                  // held in its write buffer
                    client.write("pending");            // and in the client's
                }
            }
            long held = BufferPool.borrowed() - borrowedBefore;
            assertEquals(3L * pairs, held, "buffers held by the open connections");
            for (FiberSocket s : all) {
                s.close();
            }
            for (FiberSocket s : all) {
                assertEquals(0, s.heldBuffers(), () -> s + " still holds a buffer");
            }
            assertEquals(borrowedBefore, BufferPool.borrowed(), "every buffer was given back");
            // Given back means freed, beyond the few the pool keeps: nothing waits for a GC's cleaner.
            assertTrue(BufferPool.kept() <= 256, "the pool keeps " + BufferPool.kept());
            assertEquals(BufferPool.borrowed() + BufferPool.kept(), BufferPool.live());
            return null;
        });
    }

    /** Waits until {@code s} is readable; a 12-byte send on loopback has then arrived whole. */
    private static void awaitReadable(FiberSocket s) {
        Ports.awaitReadable(s);
    }

    private static void awaitParkedInRead(FiberSocket s) {
        await().atMost(Duration.ofSeconds(10)).until(() -> s.polledFd().waiterCount(org.fibers.io.poll.PolledFd.READ) == 1);
    }
}
