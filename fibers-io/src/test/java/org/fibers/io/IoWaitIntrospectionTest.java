package org.fibers.io;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.conditions.Condition;
import org.fibers.introspect.Introspection;
import org.fibers.introspect.WaitDescription;
import org.junit.jupiter.api.Test;

/** fibers-io fills in the introspection SPI: a fiber waiting on an fd shows the fd and its direction. */
class IoWaitIntrospectionTest {
    @Test
    void fibersWaitingOnFdsShowFdAndDirection() throws Exception {
        Condition release = new Condition();
        CompletableFuture<Fiber<?>[]> made = new CompletableFuture<>();
        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> Fibers.run(
                RunOptions.builder().parallelism(1).build(), () -> {
                    try (FiberServerSocket server = FiberServerSocket.bind(new InetSocketAddress("127.0.0.1", 0))) {
                        try (FiberSocket client = FiberSocket.connect(server.localAddress());
                             FiberSocket other = server.accept()) {
                            // spawned after the accept above, so it waits for a connection that never comes
                            Fiber<?> acceptor = Fibers.spawn(() -> Ports.acceptOperation(server).perform());
                            Fiber<?> reader = Fibers.spawn(() -> {
                                try {
                                    return client.readLine();
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
                            Fiber<?> readable = Fibers.spawn(() -> Ports.readableOperation(other).perform());
                            made.complete(new Fiber<?>[] {acceptor, reader, readable});
                            release.await();
                            acceptor.cancel();
                            reader.cancel();
                            readable.cancel();
                            for (Fiber<?> w : new Fiber<?>[] {acceptor, reader, readable}) {
                                try {
                                    w.join();
                                } catch (RuntimeException expected) {
                                    // cancelled in its wait: FiberCancelledException, as intended
                                }
                            }
                        }
                    }
                    return null;
                }));
        Fiber<?>[] f = made.get(10, TimeUnit.SECONDS);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> Introspection.waitOf(f[0]) != null
                    && Introspection.waitOf(f[1]) != null && Introspection.waitOf(f[2]) != null);
            assertEquals("fd-accept", Introspection.waitOf(f[0]).kind());
            WaitDescription read = Introspection.waitOf(f[1]);
            assertEquals("fd-readable", read.kind(), read.toString());
            assertTrue(read.target().matches("fd \\d+"), read.toString());
            assertEquals("fd-readable", Introspection.waitOf(f[2]).kind());
            assertTrue(Introspection.snapshotSchedulers().stream().anyMatch(s -> s.fdsWatched() > 0));
        } finally {
            release.signal();
            run.get(30, TimeUnit.SECONDS);
        }
    }
}
