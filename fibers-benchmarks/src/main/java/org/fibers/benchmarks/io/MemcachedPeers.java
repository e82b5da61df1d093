package org.fibers.benchmarks.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fibers.benchmarks.core.ChildJvm;
import org.fibers.examples.memcached.MemcachedServer;

/**
 * The processes {@link MemcachedComparison} starts and reads: our memcached server in a child
 * JVM, Debian's C memcached, and what the OS says about them (CPU time, resident set).
 */
final class MemcachedPeers {
    /** Debian's C server (package {@code memcached}). */
    static final Path MEMCACHED = Path.of("/usr/bin/memcached");
    /** Debian's load generator (package {@code libmemcached-tools}). */
    static final Path MEMCASLAP = Path.of("/usr/bin/memcaslap");

    private static final Pattern LISTENING = Pattern.compile("listening on \\S*:(\\d+)");

    private MemcachedPeers() {
    }

    /**
     * A running server and the port it listens on.
     *
     * @param process the server's process
     * @param port    its port on 127.0.0.1
     */
    record Server(Process process, int port) {
    }

    /** Our server with {@code --store store}, two schedulers and 64 MB, in a child JVM. */
    static Server ours(String store) throws IOException, InterruptedException {
        Process p = ChildJvm.of(List.of(MemcachedServer.class.getName(), "--port", "0", "-m", "64", "--parallelism", "2",
                "--store", store)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            return new Server(p, portOf(p));
        } catch (IOException | RuntimeException e) {
            stop(p);
            throw e;
        }
    }

    /** The C server, {@code memcached -t 2 -m 64} on a free port, once it accepts connections. */
    static Server theirs() throws IOException, InterruptedException {
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(MEMCACHED.toString(), "-l", "127.0.0.1", "-p", String.valueOf(port),
                "-U", "0", "-m", "64", "-t", "2"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("-u", "root"));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return new Server(p, port);
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        stop(p);
        throw new IllegalStateException("memcached did not listen on " + port);
    }

    /** User + system CPU time of a process, in nanoseconds. */
    static long cpu(Process p) {
        return p.toHandle().info().totalCpuDuration().map(Duration::toNanos)
                .orElseThrow(() -> new IllegalStateException("no CPU time for pid " + p.pid()));
    }

    /** The resident set of a process (VmRSS), in bytes. */
    static long rss(Process p) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for pid " + p.pid());
    }

    /** Asks a process to end, and kills it after 10 s. */
    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    private static int portOf(Process p) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            Matcher mt = LISTENING.matcher(line);
            if (mt.find()) {
                ChildJvm.drainInBackground(out);
                return Integer.parseInt(mt.group(1));
            }
        }
        throw new IOException("our memcached server exited before saying its port");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
