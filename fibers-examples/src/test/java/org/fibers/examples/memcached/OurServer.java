package org.fibers.examples.memcached;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fibers.io.FiberServerSocket;

/** Our memcached server on 127.0.0.1 and an ephemeral port, in a thread of the test JVM. */
final class OurServer implements AutoCloseable {
    private final FiberServerSocket socket;
    private final Thread thread;

    private OurServer(FiberServerSocket socket, Thread thread) {
        this.socket = socket;
        this.thread = thread;
    }

    /** Starts a server with memcached's defaults (-m 64, -I 1m, -c 1024) and two schedulers. */
    static OurServer start() throws Exception {
        return start(ServerOptions.parse("--port", "0", "--parallelism", "2"));
    }

    /** Starts a server with these options (the port should be 0). */
    static OurServer start(ServerOptions options) throws Exception {
        CompletableFuture<FiberServerSocket> listening = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                MemcachedServer.run(options, listening::complete);
            } catch (Throwable e) {
                listening.completeExceptionally(e);
            }
        }, "memcached-server-under-test");
        t.start();
        return new OurServer(listening.get(10, TimeUnit.SECONDS), t);
    }

    int port() {
        return socket.localPort();
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(10_000);
    }
}
