package org.fibers.examples.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.fibers.FiberCancelledException;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.channels.Channel;
import org.fibers.console.Console;
import org.fibers.console.ConsoleServer;
import org.fibers.io.FiberServerSocket;
import org.fibers.io.FiberSocket;
import org.fibers.operations.Operation;
import org.fibers.scheduler.Scheduler;
import org.fibers.timers.Timers;

/**
 * A few schedulers with fibers blocked in every way the console can show, and the console on
 * standard input (and on a loopback TCP port with {@code --port N}; 0 picks one):
 * <ul>
 *   <li>{@code order-taker} waits on {@link #ORDERS} (a channel get); put to it from the console:
 *       {@code spawn-fiber org.fibers.examples.console.ConsoleDemo.ORDERS.put("tea")};</li>
 *   <li>{@code chooser} waits in a choice between a channel and a one-hour timer;</li>
 *   <li>{@code ticker} sleeps a second at a time and counts {@link #TICKS};</li>
 *   <li>{@code acceptor} waits for a second connection on a loopback socket, {@code silent-peer}
 *       waits to read a line its accepted partner never sends (fd waits, from fibers-io).</li>
 * </ul>
 * Ends at end of input or {@code quit}, closing its schedulers.
 */
public final class ConsoleDemo {
    /** The channel the order-taker waits on: the console's JShell fibers can put to it. */
    public static final Channel<String> ORDERS = new Channel<>();
    /** Seconds counted by the ticker. */
    public static final AtomicLong TICKS = new AtomicLong();

    private ConsoleDemo() {
    }

    /**
     * {@code console-demo [--port N]}: starts the demo and runs the console until end of input or
     * quit.
     *
     * @param args {@code [--port N]}: also serve the console on 127.0.0.1:N
     * @throws Exception if the demo's schedulers or the console cannot start
     */
    public static void main(String[] args) throws Exception {
        Integer port = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--port") && i + 1 < args.length) {
                port = Integer.parseInt(args[++i]);
            } else {
                System.err.println("usage: console-demo [--port N]");
                System.exit(2);
            }
        }
        List<Scheduler> schedulers = start();
        ConsoleServer server = port == null ? null : ConsoleServer.start(port);
        try {
            System.out.println("console-demo: schedulers " + names(schedulers)
                    + (server == null ? "" : "; console also on 127.0.0.1:" + server.port() + " (nc 127.0.0.1 " + server.port() + ")"));
            System.out.println("console-demo: try 'fibers', 'stats', and spawn-fiber "
                    + ConsoleDemo.class.getName() + ".ORDERS.put(\"tea\")");
            Console.runOnStdin();
        } finally {
            if (server != null) {
                server.close();
            }
            for (Scheduler s : schedulers) {
                s.close();
            }
        }
    }

    private static String names(List<Scheduler> schedulers) {
        StringBuilder b = new StringBuilder();
        for (Scheduler s : schedulers) {
            b.append(b.isEmpty() ? "" : ", ").append(s.name());
            for (Scheduler p : s.remotePeers()) {
                b.append(", ").append(p.name());
            }
        }
        return b.toString();
    }

    /** Starts the schedulers and their fibers; returns once the sockets are connected. */
    static List<Scheduler> start() throws InterruptedException {
        Scheduler work = Scheduler.create(2);
        Scheduler net = Scheduler.create(1);
        for (Scheduler s : List.of(work, net)) {
            s.setHz(RunOptions.DEFAULT_HZ);     // as Fibers.run: preemption, and the clock of fiber ages
            s.start();
        }
        Fibers.spawn(ConsoleDemo::takeOrders, work, false).setName("order-taker");
        Channel<String> never = new Channel<>();
        Fibers.spawn(() -> {
            String got = Operation.choice(never.getOperation(),
                    Timers.sleepOperation(Duration.ofHours(1)).wrap(v -> "timeout")).perform();
            System.out.println("chooser: " + got);
        }, work, false).setName("chooser");
        Fibers.spawn(() -> {
            try {
                for (;;) {
                    Fibers.sleep(Duration.ofSeconds(1));
                    TICKS.incrementAndGet();
                }
            } catch (FiberCancelledException e) {
                // the scheduler closes
            }
        }, work, true).setName("ticker");
        CompletableFuture<Void> connected = new CompletableFuture<>();
        Fibers.spawn(() -> sockets(connected), net, false).setName("acceptor");
        try {
            connected.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            work.close();
            net.close();
            throw new IllegalStateException("the demo's sockets did not connect", e);
        }
        List<Scheduler> out = new ArrayList<>();
        out.add(work);
        out.add(net);
        return out;
    }

    private static void takeOrders() {
        for (;;) {
            String order = ORDERS.get();
            System.out.println("order-taker: got " + order);
        }
    }

    /** The acceptor: a listening socket, a peer that connects and waits to read, a second accept. */
    private static void sockets(CompletableFuture<Void> connected) {
        try (FiberServerSocket server = FiberServerSocket.bind("127.0.0.1", 0)) {
            Scheduler here = Scheduler.current();
            int port = server.localPort();
            Fibers.spawn(() -> {
                try (FiberSocket s = FiberSocket.connect("127.0.0.1", port)) {
                    String line = s.readLine();        // waits: the accepted side never writes
                    System.out.println("silent-peer: read " + line);
                } catch (IOException e) {
                    System.out.println("silent-peer: " + e);
                }
            }, here, false).setName("silent-peer");
            try (FiberSocket accepted = server.accept()) {
                connected.complete(null);
                FiberSocket second = server.accept();  // waits for a connection nobody makes
                second.close();
            }
        } catch (IOException e) {
            connected.completeExceptionally(e);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            connected.completeExceptionally(e);
            throw e;
        }
    }
}
