package org.fibers.io;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.fibers.Fibers;
import org.fibers.RunOptions;

/**
 * Child process of {@link ClearErrorsTest}: run with {@code -Dfibers.poller=park}, so schedulers
 * get the parking poller; prints the message of the error fibers-io raises when it must wait.
 */
public final class PollerMissingMain {
    private PollerMissingMain() {
    }

    public static void main(String[] args) {
        String message = Fibers.run(RunOptions.builder().parallelism(1).build(), () -> {
            try (FiberServerSocket server = FiberServerSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                server.accept();
                return "no error";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        });
        System.out.println(message);
    }
}
