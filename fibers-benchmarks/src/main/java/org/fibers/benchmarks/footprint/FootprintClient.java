package org.fibers.benchmarks.footprint;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The client process of {@link ConnectionFootprint}, on plain blocking JDK sockets (one descriptor
 * per connection, nothing else). Source addresses rotate over 127.0.0.2 .. 127.0.0.(1+SOURCES) so
 * that ephemeral ports do not run out.
 *
 * <pre>
 * FootprintClient open PORT C SOURCES
 *     opens C connections, prints "OPENED C in S s", then on stdin "wave" sends "ping I" on every
 *     connection, checks every echo and prints "WAVE C in S s"; on "quit" (or end of input)
 *     closes them all and exits
 * FootprintClient churn PORT N SOURCES WARMUP
 *     WARMUP connect/ping/close cycles, prints "WARM", waits for "go" on stdin, then N cycles and
 *     prints "CHURNED N in S s"
 * </pre>
 * Any wrong or missing echo is an error (exit 1).
 */
public final class FootprintClient {
    private final InetSocketAddress server;
    private final int sources;
    private final ByteBuffer in = ByteBuffer.allocate(256);
    private int next;

    private FootprintClient(int port, int sources) {
        this.server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        this.sources = sources;
    }

    /** Runs as the class comment describes. */
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: FootprintClient open PORT C SOURCES | churn PORT N SOURCES WARMUP");
            System.exit(2);
        }
        FootprintClient c = new FootprintClient(Integer.parseInt(args[1]), Integer.parseInt(args[3]));
        int n = Integer.parseInt(args[2]);
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            if (args[0].equals("open")) {
                c.openAndWave(n, stdin);
            } else if (args[0].equals("churn")) {
                c.churn(Integer.parseInt(args[4]));
                System.out.println("WARM");
                System.out.flush();
                if (!"go".equals(stdin.readLine())) {
                    throw new IOException("expected go");
                }
                long t0 = System.nanoTime();
                c.churn(n);
                System.out.printf(Locale.ROOT, "CHURNED %d in %.3f s%n", n, (System.nanoTime() - t0) / 1e9);
            } else {
                throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("ERROR " + e);
            System.out.flush();
            System.exit(1);
        }
        System.out.flush();
        System.exit(0);
    }

    private void openAndWave(int count, BufferedReader stdin) throws IOException {
        List<SocketChannel> open = new ArrayList<>(count);
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                open.add(connect());
            }
            System.out.printf(Locale.ROOT, "OPENED %d in %.3f s%n", count, (System.nanoTime() - t0) / 1e9);
            System.out.flush();
            String cmd;
            while ((cmd = stdin.readLine()) != null && !cmd.equals("quit")) {
                if (!cmd.equals("wave")) {
                    throw new IOException("unknown command " + cmd);
                }
                long w0 = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    send(open.get(i), "ping " + i);
                }
                for (int i = 0; i < count; i++) {
                    expect(open.get(i), "ping " + i);
                }
                System.out.printf(Locale.ROOT, "WAVE %d in %.3f s%n", count, (System.nanoTime() - w0) / 1e9);
                System.out.flush();
            }
        } finally {
            for (SocketChannel ch : open) {
                ch.close();
            }
        }
    }

    private void churn(int cycles) throws IOException {
        for (int i = 0; i < cycles; i++) {
            try (SocketChannel ch = connect()) {
                send(ch, "churn " + i);
                expect(ch, "churn " + i);
            }
        }
    }

    private SocketChannel connect() throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.bind(new InetSocketAddress("127.0.0." + (2 + next++ % sources), 0));
            ch.connect(server);
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    private static void send(SocketChannel ch, String line) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Reads one line (the server answers nothing else) and checks it. */
    private void expect(SocketChannel ch, String line) throws IOException {
        in.clear();
        for (;;) {
            if (ch.read(in) < 0) {
                throw new IOException("connection closed before the echo of " + line);
            }
            if (in.position() > 0 && in.get(in.position() - 1) == '\n') {
                break;
            }
            if (!in.hasRemaining()) {
                throw new IOException("echo too long for " + line);
            }
        }
        String got = new String(in.array(), 0, in.position() - 1, StandardCharsets.US_ASCII);
        if (!got.equals(line)) {
            throw new IOException("expected echo '" + line + "', got '" + got + "'");
        }
    }
}
