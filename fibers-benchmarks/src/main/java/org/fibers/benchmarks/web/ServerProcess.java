package org.fibers.benchmarks.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fibers.benchmarks.core.ChildJvm;

/**
 * A hello server in its own JVM: started, checked with one request, loaded with wrk while its
 * CPU time (user + system, from /proc/PID/stat through {@link ProcessHandle.Info}) is read
 * before and after, and stopped.
 */
final class ServerProcess {
    private static final Pattern PORT = Pattern.compile("^PORT (\\d+)$");
    private static final Pattern SERVING = Pattern.compile("^SERVING (.+)$");

    final String name;
    /** What the server said it runs on (its implementation, or the HttpServerProvider's class). */
    final String serving;
    private final Process process;
    private final int port;

    private ServerProcess(String name, String serving, Process process, int port) {
        this.name = name;
        this.serving = serving;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code java [jvmFlags] mainAndArgs...} and waits for its "PORT n" line; its
     * standard error goes to ours.
     */
    static ServerProcess start(String name, List<String> jvmFlags, List<String> mainAndArgs) throws IOException {
        Process p = ChildJvm.of(jvmFlags, mainAndArgs).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String serving = "?";
        String line;
        while ((line = out.readLine()) != null) {
            Matcher s = SERVING.matcher(line);
            if (s.find()) {
                serving = s.group(1);
            }
            Matcher m = PORT.matcher(line);
            if (m.find()) {
                ChildJvm.drainInBackground(out);
                return new ServerProcess(name, serving, p, Integer.parseInt(m.group(1)));
            }
        }
        p.destroyForcibly();
        throw new IOException(name + " server exited before saying its port");
    }


    String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    /** One GET with the JDK's HttpClient: the hello body with status 200, or an exception. */
    void check() throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url())).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 || !Hello.TEXT.equals(r.body())) {
                throw new IllegalStateException(name + " answered " + r.statusCode() + " " + r.body() + " instead of 200 "
                        + Hello.TEXT);
            }
        }
    }

    /** One wrk run against this server, with the server's CPU time over it. */
    Measurement measure(int threads, int connections, int seconds) throws IOException, InterruptedException {
        Duration cpu0 = cpu();
        Wrk.Result r = Wrk.run(url(), threads, connections, seconds);
        Duration cpu = cpu().minus(cpu0);
        if (r.requests() == 0) {
            throw new IllegalStateException(name + " served no request in " + seconds + " s");
        }
        return new Measurement(r, cpu.toNanos());
    }

    private Duration cpu() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " server died (exit " + process.exitValue() + ")");
        }
        return process.toHandle().info().totalCpuDuration()
                .orElseThrow(() -> new IllegalStateException("no CPU time for " + name + " (pid " + process.pid() + ")"));
    }

    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /**
     * One wrk run and the server's CPU time over it.
     *
     * @param wrk            what wrk reported
     * @param serverCpuNanos user + system time the server spent during the run
     */
    record Measurement(Wrk.Result wrk, long serverCpuNanos) {
        double perSecond() {
            return wrk.perSecond();
        }

        /** Server CPU seconds per million requests. */
        double cpuPerMillion() {
            return serverCpuNanos / 1e9 / (wrk.requests() / 1e6);
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%8.0f req/s  p50 %6.2f ms  p99 %7.2f ms  CPU %5.2f s / 1M req%s",
                    wrk.perSecond(), wrk.p50Millis(), wrk.p99Millis(), cpuPerMillion(),
                    wrk.socketErrors() + wrk.non2xx() == 0 ? ""
                            : "  (" + wrk.socketErrors() + " socket errors, " + wrk.non2xx() + " non-2xx)");
        }
    }
}
