package org.fibers.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's FiberWebServer snippet, as written there (port 0 and a request instead of the sleep). */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReadmeSnippetTest {
    @Test
    void theReadmeSnippetCompilesAndServes() throws Exception {
        try (FiberWebServer server = FiberWebServer.builder()
                .port(0)
                .handler(request -> switch (request.path()) {
                    case "/hello" -> Response.ok("Hello, " + request.queryParam("name") + "!");
                    case "/echo" -> Response.of(200, "application/octet-stream", request.bodyBytes());
                    default -> Response.status(404).body("no " + request.path());
                })
                .readHeaderTimeout(Duration.ofSeconds(10))
                .gracePeriod(Duration.ofSeconds(5))
                .build()
                .start()) {
            String raw = RawHttp.exchange(server.port(), "GET /hello?name=fibers HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertEquals("Hello, fibers!", raw.substring(raw.indexOf("\r\n\r\n") + 4));
        }
    }
}
