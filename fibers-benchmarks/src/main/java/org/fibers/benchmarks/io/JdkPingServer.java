package org.fibers.benchmarks.io;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The ping server written the plain JDK way: blocking {@code java.net} sockets, one default
 * virtual thread per connection, buffered streams, TCP_NODELAY, a flush per line. Same protocol
 * and line limit (512 bytes) as our PingServer. Prints "PORT n" once listening.
 *
 * <pre>JdkPingServer [port]   (0 = any free port)</pre>
 */
public final class JdkPingServer {
    private static final int MAX_LINE = 512;

    private JdkPingServer() {
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        try (ServerSocket server = new ServerSocket();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
            System.out.println("PORT " + server.getLocalPort());
            System.out.flush();
            for (;;) {
                Socket s = server.accept();
                threads.submit(() -> echo(s));
            }
        }
    }

    private static void echo(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream(), 8192);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 8192);
            byte[] line = new byte[MAX_LINE];
            for (;;) {
                int n = 0;
                int c;
                while ((c = in.read()) >= 0 && c != '\n') {
                    if (n == MAX_LINE) {
                        out.write(("ERROR line longer than " + MAX_LINE + " bytes\n").getBytes());
                        out.flush();
                        return;
                    }
                    line[n++] = (byte) c;
                }
                if (c < 0 && n == 0) {
                    return;
                }
                out.write(line, 0, n);
                out.write('\n');
                out.flush();
                if (c < 0) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }
}
