package org.fibers.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every framing the server must refuse gets its status, and the connection is then closed. */
class RejectionTest {
    static FiberWebServer server;

    @BeforeAll
    static void start() throws Exception {
        server = FiberWebServer.builder().parallelism(2).maxRequestLine(100).maxHeaderBytes(200).maxBody(10)
                .readHeaderTimeout(Duration.ofSeconds(2))
                .handler(r -> Response.ok("read " + r.bodyBytes().length)).build().start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "TE and CL|POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\nContent-Length: 3\\r\\n\\r\\n|400",
        "TE not chunked last|POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked, gzip\\r\\n\\r\\n|400",
        "TE unknown coding|POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n|501",
        "TE only gzip|POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\n|400",
        "invalid CL|POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 1x\\r\\n\\r\\n|400",
        "negative CL|POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: -1\\r\\n\\r\\n|400",
        "conflicting CL|POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 1\\r\\nContent-Length: 2\\r\\n\\r\\nab|400",
        "conflicting CL list|POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 1, 2\\r\\n\\r\\nab|400",
        "missing Host|GET / HTTP/1.1\\r\\n\\r\\n|400",
        "repeated Host|GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n|400",
        "space before colon|GET / HTTP/1.1\\r\\nHost : a\\r\\n\\r\\n|400",
        "obs-fold|GET / HTTP/1.1\\r\\nHost: a\\r\\nX: y\\r\\n z\\r\\n\\r\\n|400",
        "bad name char|GET / HTTP/1.1\\r\\nHost: a\\r\\nX(y: z\\r\\n\\r\\n|400",
        "bad value char|GET / HTTP/1.1\\r\\nHost: a\\r\\nX: a\\u0001b\\r\\n\\r\\n|400",
        "bad target char|GET /a\\u007fb HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n|400",
        "bare LF|GET / HTTP/1.1\\nHost: a\\r\\n\\r\\n|400",
        "bare LF in headers|GET / HTTP/1.1\\r\\nHost: a\\n\\r\\n|400",
        "bare CR|GET / HTTP/1.1\\r\\nHost: a\\rX: b\\r\\n\\r\\n|400",
        "unknown version|GET / HTTP/2.0\\r\\nHost: a\\r\\n\\r\\n|505",
        "malformed version|GET / HTTQ/1.1\\r\\nHost: a\\r\\n\\r\\n|400",
        "two spaces|GET  / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n|400",
        "TE in 1.0|POST / HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n|400",
        "body over limit|POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 11\\r\\n\\r\\n01234567890|413",
        "chunked over limit|POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nb\\r\\n01234567890\\r\\n0\\r\\n\\r\\n|413",
        "bad chunk size|POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n|400",
        "byte 0x80 in the method (fuzz find)|G\\u0080T / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n|400",
        "byte 0xff in a name (fuzz find)|GET / HTTP/1.1\\r\\nHost: a\\r\\nX\\u00ffY: z\\r\\n\\r\\n|400",
        "unknown expectation|GET / HTTP/1.1\\r\\nHost: a\\r\\nExpect: magic\\r\\n\\r\\n|417",
    })
    void refused(String name, String request, int status) throws Exception {
        String raw = RawHttp.exchange(server.port(), unescape(request));
        assertTrue(raw.startsWith("HTTP/1.1 " + status + " "), name + ": " + raw);
        assertTrue(raw.contains("Connection: close\r\n"), raw);
        assertEquals(1, RawHttp.count(raw, "Server: fibers"), "one response, then the close: " + raw);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"request line|414", "headers|431"})
    void overLimits(String what, int status) throws Exception {
        String request = what.equals("request line")
                ? "GET /" + "a".repeat(200) + " HTTP/1.1\r\nHost: a\r\n\r\n"
                : "GET / HTTP/1.1\r\nHost: a\r\nX: " + "b".repeat(300) + "\r\n\r\n";
        String raw = RawHttp.exchange(server.port(), request);
        assertTrue(raw.startsWith("HTTP/1.1 " + status + " "), raw);
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'r' -> b.append('\r');
                    case 'n' -> b.append('\n');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> b.append('\\').append(n);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
