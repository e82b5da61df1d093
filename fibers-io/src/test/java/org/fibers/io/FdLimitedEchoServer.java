package org.fibers.io;

import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fibers.FiberFailedException;
import org.fibers.Fibers;
import org.fibers.io.poll.ThreadWaiter;
import org.slf4j.LoggerFactory;
import org.fibers.RunOptions;

/**
 * Child process of {@link AcceptUnderFdExhaustionTest}: a line echo server on 127.0.0.1 that
 * prints "PORT n" and "FDS n" (descriptors open once listening) and runs until killed. The test
 * starts it under a low {@code ulimit -n}.
 *
 * <p>It warms up first: with classes loaded from directories (the test class path), the JVM
 * needs a descriptor for every class it loads lazily, so every code path the test will reach
 * while descriptors are exhausted must have run once before.
 */
public final class FdLimitedEchoServer {
    private FdLimitedEchoServer() {
    }

    public static void main(String[] args) {
        Fibers.run(RunOptions.builder().parallelism(1).hz(0).build(), () -> {
            FiberServerSocket server = FiberServerSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            warmUp(server);
            long fds;
            try (var s = Files.list(Path.of("/proc/self/fd"))) {
                fds = s.count();
            }
            System.out.println("PORT " + server.localPort());
            System.out.println("FDS " + fds);
            System.out.flush();
            for (;;) {
                FiberSocket c = server.accept();
                Fibers.spawn(() -> echo(c));
            }
        });
    }

    private static void echo(FiberSocket c) {
        try (c) {
            String line;
            while ((line = c.readLine()) != null) {
                c.write(line + "\n");
                c.flush();
            }
        } catch (IOException e) {
            // the test resets connections; nothing to report
        }
    }

    /** Runs, once, the paths the server takes while out of descriptors. */
    private static void warmUp(FiberServerSocket server) throws Exception {
        Fibers.sleep(Duration.ofMillis(1));                       // timers (accept's back-off)
        Fibers.spawn(() -> echo(accept(server)));
        try (FiberSocket s = FiberSocket.connect(server.localAddress())) {
            s.write("warm\n");
            s.flush();
            s.readLine();
        }
        LoggerFactory.getLogger(FdLimitedEchoServer.class).warn("warm-up done; {}", "logging works");
        try {
            Fibers.spawn(() -> {
                throw new IOException("warm-up failure");
            }).join();
        } catch (FiberFailedException expected) {
            // failing fibers work too
        }
        IoErrors.isResourceExhaustion(new Errors.NativeIoException("accept", IoErrors.EMFILE));
        ThreadWaiter w = new ThreadWaiter();
        w.ignoreReadiness(true);
        w.ignoreReadiness(false);
    }

    private static FiberSocket accept(FiberServerSocket server) {
        try {
            return server.accept();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
