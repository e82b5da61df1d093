package org.fibers.examples.ping;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fibers.io.FiberServerSocket;

/**
 * Both halves of the Ping example in one process: starts {@link PingServer} on an ephemeral
 * port of 127.0.0.1, runs {@link PingClient} against it, stops the server and exits 0 if every
 * echo matched (1 otherwise).
 *
 * <pre>
 * PingDemo [N M]      (defaults: 100 connections x 1000 requests)
 * </pre>
 */
public final class PingDemo {
    private PingDemo() {
    }

    /**
     * The command-line entry point; exits 0 if every echo matched, 1 otherwise.
     *
     * @param args {@code [N M]}: connections and requests per connection
     * @throws Exception if the server or the client could not run
     */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int m = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        System.exit(run(n, m) ? 0 : 1);
    }

    /**
     * Runs the demo; true if every echo matched.
     *
     * @param clients how many client connections, one fiber each
     * @param requests how many round trips each makes
     * @return whether every echo matched
     * @throws Exception if the server or the client could not run
     */
    public static boolean run(int clients, int requests) throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        CompletableFuture<FiberServerSocket> listening = new CompletableFuture<>();
        PingServer.Options options = PingServer.Options.defaults().withPort(0).withParallelism(cpus);
        Thread serverThread = new Thread(() -> {
            try {
                PingServer.run(options, listening::complete);
            } catch (Throwable t) {
                listening.completeExceptionally(t);
            }
        }, "ping-server");
        serverThread.start();
        FiberServerSocket server = listening.get(30, TimeUnit.SECONDS);
        System.out.println("ping-server listening on " + server.localAddress());
        PingClient.Result r;
        try {
            r = PingClient.run("127.0.0.1", server.localPort(), clients, requests, cpus);
        } finally {
            server.close(); // ends the server's accept loop and its Fibers.run
            serverThread.join(TimeUnit.SECONDS.toMillis(30));
        }
        System.out.println("ping-client: " + r);
        System.out.println(r.ok() ? "ping demo: OK, every echo matched" : "ping demo: FAILED");
        return r.ok();
    }
}
