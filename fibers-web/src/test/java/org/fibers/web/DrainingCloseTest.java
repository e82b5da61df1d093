package org.fibers.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Once {@link FiberWebServer#close()} has begun, a response to a request that was in flight on a
 * keep-alive connection says {@code Connection: close} and the connection closes right after
 * it, so that the client does not send another request into a closing server; the same holds
 * for a streamed (chunked) response, whose head goes out after the close began.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DrainingCloseTest {
    @Test
    void aResponseWrittenWhileTheServerDrainsSaysConnectionCloseAndTheConnectionCloses() throws Exception {
        for (String path : new String[] {"/whole", "/streamed"}) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger served = new AtomicInteger();
            FiberWebServer server = FiberWebServer.builder().parallelism(2).gracePeriod(Duration.ofSeconds(10))
                    .handler(r -> {
                        served.incrementAndGet();
                        if (r.path().equals("/first")) {
                            return Response.ok("first");
                        }
                        entered.countDown();
                        assertTrue(release.await(20, TimeUnit.SECONDS));
                        if (r.path().equals("/streamed")) {
                            return Response.status(200).body(out -> out.write("streamed".getBytes()));
                        }
                        return Response.ok("whole");
                    }).build().start();
            Thread closer = new Thread(server::close, "closer");
            try (Socket s = ConnectionLifecycleTest.connect(server.port())) {
                ConnectionLifecycleTest.send(s, "GET /first HTTP/1.1\r\nHost: a\r\n\r\n");
                String first = ConnectionLifecycleTest.readResponse(s);
                assertTrue(first.endsWith("first") && !first.contains("Connection: close"), first);
                ConnectionLifecycleTest.send(s, "GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n");
                assertTrue(entered.await(10, TimeUnit.SECONDS));
                closer.start();
                Thread.sleep(300); // close() has begun: the listener is closed and the server drains
                release.countDown();
                String rest = RawHttp.readAll(s.getInputStream()); // until the server closes
                assertTrue(rest.startsWith("HTTP/1.1 200 OK\r\n"), path + ": " + rest);
                String head = rest.substring(0, rest.indexOf("\r\n\r\n") + 2);
                assertTrue(head.contains("\r\nConnection: close\r\n"), path + ": no Connection: close in\n" + head);
                assertTrue(rest.contains(path.substring(1)), path + ": " + rest);
            } finally {
                release.countDown();
                closer.join(20_000);
            }
            assertEquals(2, served.get(), path);
            assertEquals(0, server.openConnections(), path);
        }
    }
}
