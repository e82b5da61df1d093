package org.fibers.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The web examples run as the README runs them: {@code Main <example>} in a JVM of its own. */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WebExamplesTest {
    /** {@code java <this JVM's --add-opens/--enable-native-access> -cp <test class path> org.fibers.examples.Main args}. */
    static Process example(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--enable-native-access")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.fibers.examples.Main");
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    @Test
    void webHelloAnswersHelloWorld() throws Exception {
        Process p = example("web-hello", "0");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            String url = null;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("web-hello listening on ")) {
                    url = line.substring("web-hello listening on ".length());
                    break;
                }
            }
            assertTrue(url != null && url.startsWith("http://127.0.0.1:"), "the example printed its address");
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url + "any/path")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("Hello, World!", r.body());
        } finally {
            p.destroy(); // SIGTERM: the shutdown hook closes the server
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "web-hello stopped on SIGTERM");
        }
    }

    @Test
    void webConcurrentServesManySlowRequestsAtOnce() throws Exception {
        Process p = example("web-concurrent", "--requests", "100", "--delay-ms", "300");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("web-concurrent: OK, every answer was right"), out);
        assertTrue(out.contains("100 requests of 300 ms slow work each"), out);
    }

    @Test
    void webConcurrentInProcess() throws Exception {
        assertTrue(WebConcurrent.demo(50, 100));
    }
}
