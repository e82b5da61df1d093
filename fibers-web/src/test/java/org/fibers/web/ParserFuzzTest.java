package org.fibers.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random and mutated requests for a few seconds: each gets, before the server closes the
 * connection, zero or more well-formed responses and nothing else; none hangs (the client
 * half-closes after sending, so the server always knows the input is over) and nothing is
 * logged above debug (an exception escaping a connection fiber is logged as an error).
 * The seed is printed and taken from -Dfuzz.seed to replay a failure.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ParserFuzzTest {
    static final String[] CORPUS = {
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /path/x?q=1&r=%20 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\nUser-Agent: fuzz\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
        "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\n",
        "PUT /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET http://a/abs?x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        "GET /stream HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "DELETE /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nCookie: a=b; c=d\r\n\r\n",
    };
    static final byte[] SPECIAL = {'\r', '\n', ':', ' ', '\t', ',', ';', '0', '9', 'f', '/', '?', '%', 0, 127, (byte) 0x80, (byte) 0xff};

    @Test
    void randomAndMutatedRequestsGetWellFormedResponsesOrAClose() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("ParserFuzzTest seed " + seed + " (-Dfuzz.seed=" + seed + " replays it)");
        Random rnd = new Random(seed);
        int cases = 0;
        try (LogCapture log = new LogCapture();
                FiberWebServer server = FiberWebServer.builder().parallelism(2).maxRequestLine(200).maxHeaderBytes(400)
                        .maxBody(64).maxRequestsPerConnection(4)
                        .readHeaderTimeout(Duration.ofSeconds(1)).readBodyTimeout(Duration.ofSeconds(1))
                        .idleTimeout(Duration.ofSeconds(1)).handler(ParserFuzzTest::handle).build().start()) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            while (System.nanoTime() < end && cases < 20_000) {
                byte[] req = rnd.nextInt(10) == 0 ? random(rnd) : mutate(rnd, CORPUS[rnd.nextInt(CORPUS.length)], rnd.nextInt(4) + 1);
                String got = exchange(server.port(), req);
                String problem = check(got);
                if (problem != null) {
                    fail("case " + cases + " (seed " + seed + "): " + problem + "\nrequest: " + printable(req)
                            + "\nresponse: " + printable(got.getBytes(StandardCharsets.ISO_8859_1)));
                }
                cases++;
            }
            assertTrue(cases > 100, "only " + cases + " cases ran");
            String hello = RawHttp.exchange(server.port(), "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertTrue(hello.startsWith("HTTP/1.1 200 OK"), hello);
            assertFalse(log.hasTroubles(), log.text());
        }
        System.out.println("ParserFuzzTest: " + cases + " cases");
    }

    static Response handle(Request r) throws Exception {
        if (r.path().equals("/stream")) {
            return Response.status(200).body(out -> out.write("streamed".getBytes(StandardCharsets.US_ASCII)));
        }
        return Response.ok(r.method() + " " + r.path() + " " + r.bodyBytes().length);
    }

    /** Sends, half-closes, reads until the server closes; "<hang>" if it does not within 10 s. */
    static String exchange(int port, byte[] req) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            try {
                OutputStream out = s.getOutputStream();
                out.write(req);
                out.flush();
                s.shutdownOutput();
            } catch (IOException e) {
                // the server refused early and closed: what it sent is still to be read
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] b = new byte[8192];
            try {
                int n;
                while ((n = in.read(b)) >= 0 && got.size() < 1 << 20) {
                    got.write(b, 0, n);
                }
            } catch (SocketTimeoutException e) {
                return got.toString(StandardCharsets.ISO_8859_1) + "<hang>";
            } catch (IOException e) {
                return got.toString(StandardCharsets.ISO_8859_1) + "<reset>";
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Null if {@code s} is a sequence of complete, well-formed responses; else what is wrong. */
    static String check(String s) {
        if (s.endsWith("<hang>")) {
            return "the server neither answered nor closed within 10 s";
        }
        if (s.endsWith("<reset>")) {
            return "the connection was reset";
        }
        int at = 0;
        boolean closing = false;
        while (at < s.length()) {
            if (closing) {
                return "bytes after a Connection: close response";
            }
            int headEnd = s.indexOf("\r\n\r\n", at);
            if (headEnd < 0) {
                return "an incomplete response head at " + at;
            }
            String[] lines = s.substring(at, headEnd).split("\r\n", -1);
            if (!lines[0].matches("HTTP/1\\.1 [1-5][0-9][0-9] [A-Za-z \\-]+")) {
                return "a bad status line: " + lines[0];
            }
            int status = Integer.parseInt(lines[0].substring(9, 12));
            long length = -1;
            boolean chunked = false;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(": ");
                if (colon <= 0 || !lines[i].substring(0, colon).matches("[A-Za-z0-9-]+")) {
                    return "a bad header line: " + lines[i];
                }
                String name = lines[i].substring(0, colon).toLowerCase();
                String value = lines[i].substring(colon + 2);
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.equals("chunked");
                    case "connection" -> closing |= value.equals("close");
                    default -> {
                    }
                }
            }
            at = headEnd + 4;
            if (status == 100) {
                continue;
            }
            if (chunked) {
                for (;;) {
                    int lineEnd = s.indexOf("\r\n", at);
                    if (lineEnd < 0) {
                        return "an incomplete chunk size line";
                    }
                    int size = Integer.parseInt(s.substring(at, lineEnd), 16);
                    at = lineEnd + 2;
                    if (size == 0) {
                        if (!s.startsWith("\r\n", at)) {
                            return "no CR LF after the last chunk";
                        }
                        at += 2;
                        break;
                    }
                    if (at + size + 2 > s.length() || !s.startsWith("\r\n", at + size)) {
                        return "an incomplete chunk";
                    }
                    at += size + 2;
                }
            } else if (length >= 0) {
                if (at + length > s.length()) {
                    return "a body shorter than its Content-Length";
                }
                at += (int) length;
            } else {
                closing = true; // close-delimited (HTTP/1.0): the rest is the body
                at = s.length();
            }
        }
        return null;
    }

    static byte[] mutate(Random rnd, String seed, int times) {
        byte[] b = seed.getBytes(StandardCharsets.ISO_8859_1);
        for (int t = 0; t < times; t++) {
            if (b.length == 0) {
                break;
            }
            int i = rnd.nextInt(b.length);
            switch (rnd.nextInt(7)) {
                case 0 -> b[i] = (byte) rnd.nextInt(256);
                case 1 -> b[i] = SPECIAL[rnd.nextInt(SPECIAL.length)];
                case 2 -> b = splice(b, i, i + 1 + rnd.nextInt(Math.min(8, b.length - i)), new byte[0]);
                case 3 -> b = splice(b, i, i, new byte[] {SPECIAL[rnd.nextInt(SPECIAL.length)]});
                case 4 -> b = java.util.Arrays.copyOf(b, i); // truncated
                case 5 -> {
                    int len = 1 + rnd.nextInt(Math.min(16, b.length - i));
                    byte[] copy = java.util.Arrays.copyOfRange(b, i, i + len);
                    b = splice(b, i, i, rnd.nextInt(4) == 0 ? repeat(copy, 50) : copy);
                }
                default -> b = splice(b, i, i, CORPUS[rnd.nextInt(CORPUS.length)].getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return b;
    }

    static byte[] random(Random rnd) {
        String[] parts = {"GET", "POST", " ", "/", "HTTP/1.1", "HTTP/1.0", "\r\n", "\n", "Host: a", "Content-Length: ",
            "Transfer-Encoding: chunked", ": ", "0", "5", "ffffffff", "-1", ",", "\r\n\r\n", "Expect: 100-continue", "x"};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = rnd.nextInt(30);
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(5) == 0) {
                out.write(rnd.nextInt(256));
            } else {
                out.writeBytes(parts[rnd.nextInt(parts.length)].getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return out.toByteArray();
    }

    static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] r = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, r, 0, from);
        System.arraycopy(insert, 0, r, from, insert.length);
        System.arraycopy(b, to, r, from + insert.length, b.length - to);
        return r;
    }

    static byte[] repeat(byte[] b, int times) {
        byte[] r = new byte[b.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(b, 0, r, i * b.length, b.length);
        }
        return r;
    }

    static String printable(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            int c = x & 0xff;
            if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c < 32 || c > 126) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
