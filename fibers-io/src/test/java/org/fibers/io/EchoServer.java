package org.fibers.io;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.fibers.Fibers;

/** Test fixture: a line echo server run by fibers of the current scheduler. */
final class EchoServer implements AutoCloseable {
    final FiberServerSocket server;
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger handlerErrors = new AtomicInteger();

    private EchoServer(FiberServerSocket server) {
        this.server = server;
    }

    /** Binds 127.0.0.1 on a free port and starts accepting, in fibers of the current scheduler. */
    static EchoServer start() throws IOException {
        return start(InetAddress.getLoopbackAddress());
    }

    static EchoServer start(InetAddress address) throws IOException {
        EchoServer s = new EchoServer(FiberServerSocket.bind(new InetSocketAddress(address, 0)));
        Fibers.spawn(s::acceptLoop);
        return s;
    }

    InetSocketAddress address() {
        return server.localAddress();
    }

    private void acceptLoop() {
        try {
            for (;;) {
                FiberSocket c = server.accept();
                accepted.incrementAndGet();
                Fibers.spawn(() -> echo(c));
            }
        } catch (IOException e) {
            // closed: the test is over
        }
    }

    private void echo(FiberSocket c) {
        byte[] line = new byte[1024];
        try (c) {
            int n;
            while ((n = c.readLine(line)) >= 0) {
                c.write(line, 0, n);
                c.write('\n');
                c.flush();
            }
        } catch (IOException e) {
            handlerErrors.incrementAndGet();
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
