package org.fibers.examples.memcached;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A raw TCP connection to a memcached, for byte-exact exchanges. */
final class Raw implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Raw(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    void send(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    void send(String s) throws IOException {
        send(ascii(s));
    }

    /** Reads one reply line, with its \r\n. */
    String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            if (c == '\n') {
                break;
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads until {@code quietMillis} pass without a byte (or the peer closes: then "<EOF>" ends it). */
    String drain(int quietMillis) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        socket.setSoTimeout(quietMillis);
        byte[] buf = new byte[65536];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                b.write(buf, 0, n);
            }
            b.write(ascii("<EOF>"));
        } catch (SocketTimeoutException quiet) {
            // no more for now
        } catch (IOException reset) {
            b.write(ascii("<EOF>"), 0, 5);
        } finally {
            socket.setSoTimeout(10_000);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Sends {@code request}, then everything up to the {@code end} line ("END\r\n" and so on). */
    String exchange(String request, String end) throws IOException {
        send(request);
        StringBuilder sb = new StringBuilder();
        String l;
        do {
            l = line();
            sb.append(l);
        } while (!l.isEmpty() && !l.equals(end));
        return sb.toString();
    }

    /** One server's {@code stats}, by name. */
    static Map<String, String> stats(int port) throws IOException {
        try (Raw r = new Raw(port)) {
            String all = r.exchange("stats\r\n", "END\r\n");
            Map<String, String> m = new LinkedHashMap<>();
            for (String l : all.split("\r\n")) {
                if (l.startsWith("STAT ")) {
                    String[] f = l.split(" ", 3);
                    m.put(f[1], f[2]);
                }
            }
            assertTrue(m.containsKey("pid"), all);
            return m;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
