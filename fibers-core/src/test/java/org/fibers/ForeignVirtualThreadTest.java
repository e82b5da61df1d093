package org.fibers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Virtual threads that a fiber's code starts itself inherit the fiber's executor from the JDK;
 * they must run (on ForeignVirtualThreads) and leave the fiber unharmed. Before, the fiber's
 * executor took their continuation for the fiber's own and both hung.
 */
class ForeignVirtualThreadTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @Test
    void aVirtualThreadStartedInAFiberRunsParksAndIsJoined() {
        int result = assertTimeoutPreemptively(LIMIT, () -> Fibers.run(() -> {
            AtomicReference<String> carrierName = new AtomicReference<>();
            AtomicReference<Integer> value = new AtomicReference<>();
            Thread t = Thread.ofVirtual().name("inner").start(() -> {
                try {
                    Thread.sleep(20); // parks: its continuation is handed over again
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                carrierName.set(Thread.currentThread().getName());
                value.set(21);
            });
            t.join();
            Fibers.sleep(Duration.ofMillis(5)); // the fiber itself still parks and resumes
            assertEquals("inner", carrierName.get());
            return value.get() * 2;
        }));
        assertEquals(42, result);
    }

    @Test
    void aVirtualThreadPerTaskExecutorInAFiberRunsEveryTask() {
        long sum = assertTimeoutPreemptively(LIMIT, () -> Fibers.run(() -> {
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Integer>> fs = new ArrayList<>();
                for (int i = 1; i <= 200; i++) {
                    int n = i;
                    fs.add(ex.submit(() -> {
                        Thread.sleep(1);
                        return n;
                    }));
                }
                long s = 0;
                for (Future<Integer> f : fs) {
                    s += f.get();
                }
                return s;
            }
        }));
        assertEquals(200L * 201 / 2, sum);
    }

    @Test
    void aJdkSocketInAFiberConnectsAndEchoes() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread echo = Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    out.write(in.read() + 1);
                } catch (Exception e) {
                    // the test's assertion reports it
                }
            });
            int got = assertTimeoutPreemptively(LIMIT, () -> Fibers.run(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    s.getOutputStream().write(41);
                    return s.getInputStream().read();
                }
            }));
            assertEquals(42, got);
            echo.join(5000);
            assertTrue(!echo.isAlive());
        }
    }
}
