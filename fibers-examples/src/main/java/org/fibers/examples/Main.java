package org.fibers.examples;

import java.util.Arrays;
import org.fibers.examples.console.ConsoleDemo;
import org.fibers.examples.memcached.GuileClient;
import org.fibers.examples.memcached.MemcachedServer;
import org.fibers.examples.ping.PingClient;
import org.fibers.examples.ping.PingDemo;
import org.fibers.examples.ping.PingServer;
import org.fibers.examples.web.WebConcurrent;
import org.fibers.examples.web.WebHello;

/**
 * One entry point for the bundled examples: {@code Main <example> [args...]}.
 * The README's commands run it through Maven with the JVM flags the runtime needs.
 */
public final class Main {
    private Main() {
    }

    /**
     * Runs the example named by the first argument with the rest; prints the list of examples and
     * exits 2 without one.
     *
     * @param args {@code <example> [args...]}
     * @throws Exception what the example's own main throws
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "demo" -> FibersDemo.main(rest);
            case "console-demo" -> ConsoleDemo.main(rest);
            case "ping-demo" -> PingDemo.main(rest);
            case "ping-server" -> PingServer.main(rest);
            case "ping-client" -> PingClient.main(rest);
            case "memcached-server" -> MemcachedServer.main(rest);
            case "memcached-client" -> GuileClient.main(rest);
            case "web-hello" -> WebHello.main(rest);
            case "web-concurrent" -> WebConcurrent.main(rest);
            default -> {
                System.err.println("unknown example: " + args[0]);
                usage();
                System.exit(2);
            }
        }
    }

    private static void usage() {
        System.err.println("""
                usage: Main <example> [args...]
                  ping-demo [N M]                 ping server and N clients x M echoes in one process
                  ping-server [port [host]] [--max-line N] [--idle-timeout S] [--parallelism N]
                                                  echo server, default 127.0.0.1:11211 (Guile's ping example)
                  ping-client N M [host [port]]   N connections x M 'test-<n>' lines, every echo checked
                  memcached-server [--port 11211] [--listen 127.0.0.1] [-m MiB] [-I SIZE] [-c CONNS] [--parallelism N] [--store locks|owners]
                                                  a memcached 1.6 (text and meta protocols), default 127.0.0.1:11211
                  memcached-client N M [host:port ...]
                                                  N connections x M set/get pairs, every value checked (Guile's client)
                  web-hello [port [host]]         Guile's Hello, World! web server, default 127.0.0.1:8080
                  web-concurrent [--requests N] [--delay-ms MS]
                                                  N requests at once to a handler waiting on slow backend work; checked and timed
                  web-concurrent --serve [port [host]]
                                                  that server on 127.0.0.1:8080 (GET /work?ms=250)
                  demo [fibers] [parallelism]     spawn, sleep and join fibers across peer schedulers
                  console-demo [--port N]         schedulers with waiting fibers and the console on stdin
                                                  (and on 127.0.0.1:N; 0 picks a port)""");
    }
}
