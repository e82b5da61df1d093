package org.fibers.examples.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fibers.Fibers;
import org.fibers.channels.Channel;
import org.fibers.scheduler.Scheduler;
import org.fibers.web.FiberWebServer;
import org.fibers.web.Request;
import org.fibers.web.Response;

/**
 * A server whose handler asks a backend for slow work: the handler puts a job on the backend's
 * channel and waits for the answer on the job's own reply channel; the backend fiber takes jobs
 * one by one and does each in a fiber of its own (a sleep of {@code --delay-ms}, standing for a
 * database or a remote call). Neither the handler's wait nor the backend's sleep holds a kernel
 * thread, so N slow requests at once take about one delay, not N.
 *
 * <pre>
 * WebConcurrent [--requests N] [--delay-ms MS]   start on a free port, send N requests at once, check and time them
 * WebConcurrent --serve [port [host]]            serve on 127.0.0.1:8080 until stopped (GET /work?ms=250)
 * </pre>
 *
 * The first form (the default: 200 requests of 200 ms) exits 0 when every answer was right.
 */
public final class WebConcurrent {
    /** A request for slow work and where its answer goes. */
    private record Job(String what, Duration delay, Channel<String> reply) {
    }

    private WebConcurrent() {
    }

    /**
     * Starts the server on {@code host:port} and the backend fiber on the server's scheduler group
     * (closing the server closes that group, which abandons the backend waiting for its next job).
     *
     * @param host the address to listen on
     * @param port the port, 0 for a free one
     * @param defaultDelay the work's duration when a request does not say ({@code ?ms=N})
     * @return the started server
     * @throws IOException if the address cannot be bound
     */
    public static FiberWebServer start(String host, int port, Duration defaultDelay) throws IOException {
        Channel<Job> jobs = new Channel<>();
        FiberWebServer server = FiberWebServer.builder()
                .address(host)
                .port(port)
                .handler(request -> handle(request, jobs, defaultDelay))
                .build()
                .start();
        Fibers.spawn(() -> backend(jobs), server.scheduler(), false);
        return server;
    }

    private static Response handle(Request request, Channel<Job> jobs, Duration defaultDelay) {
        String ms = request.queryParam("ms");
        Duration delay = ms == null ? defaultDelay : Duration.ofMillis(Math.min(10_000, Long.parseLong(ms)));
        Channel<String> reply = new Channel<>();
        jobs.put(new Job(request.path(), delay, reply));
        return Response.ok(reply.get() + "\n");
    }

    /** Takes jobs for as long as the server runs; each is done in a fiber of its own. */
    private static void backend(Channel<Job> jobs) {
        for (;;) {
            Job job = jobs.get();
            Fibers.spawn(() -> {
                Fibers.sleep(job.delay());
                job.reply().put("done " + job.what() + " after " + job.delay().toMillis() + " ms");
            }, Scheduler.current(), true); // spread over the group's schedulers
        }
    }

    /**
     * Command line: see the class comment.
     *
     * @param args {@code [--requests N] [--delay-ms MS]} or {@code --serve [port [host]]}
     * @throws Exception if the server cannot start or a request cannot be sent
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--serve")) {
            int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
            String host = args.length > 2 ? args[2] : "127.0.0.1";
            FiberWebServer server = start(host, port, Duration.ofMillis(200));
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "web-concurrent-close"));
            System.out.println("web-concurrent listening on http://" + host + ":" + server.port() + "/work?ms=200");
            Thread.currentThread().join();
            return;
        }
        int requests = 200;
        long delayMs = 200;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--delay-ms" -> delayMs = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("usage: WebConcurrent [--requests N] [--delay-ms MS] | --serve [port [host]]");
                    System.exit(2);
                }
            }
        }
        System.exit(demo(requests, delayMs) ? 0 : 1);
    }

    /**
     * Starts the server, sends {@code requests} requests at once, checks every answer; true if all
     * were right.
     *
     * @param requests how many requests to send at once
     * @param delayMs how long each request's backend work takes
     * @return whether every answer was right
     * @throws Exception if the server cannot start, or a request cannot be sent or is interrupted
     */
    public static boolean demo(int requests, long delayMs) throws Exception {
        try (FiberWebServer server = start("127.0.0.1", 0, Duration.ofMillis(delayMs))) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            long t0 = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                URI uri = URI.create("http://127.0.0.1:" + server.port() + "/job" + i);
                answers.add(client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            int right = 0;
            for (int i = 0; i < requests; i++) {
                HttpResponse<String> r = answers.get(i).get(120, TimeUnit.SECONDS);
                if (r.statusCode() == 200 && r.body().equals("done /job" + i + " after " + delayMs + " ms\n")) {
                    right++;
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("web-concurrent: %d requests of %d ms slow work each, sent at once, answered in %d ms "
                    + "(one after another would take %d ms); %d right%n", requests, delayMs, ms, requests * delayMs, right);
            boolean ok = right == requests;
            System.out.println(ok ? "web-concurrent: OK, every answer was right" : "web-concurrent: FAILED");
            return ok;
        }
    }
}
