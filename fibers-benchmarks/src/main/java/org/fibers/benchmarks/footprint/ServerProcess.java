package org.fibers.benchmarks.footprint;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fibers.benchmarks.core.ChildJvm;

/** A child JVM (a {@link FootprintServer} or a {@link FootprintClient}) spoken to by lines. */
final class ServerProcess implements AutoCloseable {
    private static final Pattern PORT = Pattern.compile("(?:PORT |listening on \\S*:)(\\d+)");
    private static final Pattern STATS = Pattern.compile(
            "STATS rss=(\\d+) heap=(\\d+) jvmDirect=(\\d+) fibersBuffers=(\\d+) fibersPooled=(\\d+) nettyDirect=(\\d+) fds=(\\d+) gcs=(\\d+)");

    final Process process;
    private final BufferedReader out;
    private final Writer in;

    ServerProcess(List<String> jvmFlags, List<String> mainAndArgs) throws IOException {
        process = ChildJvm.of(jvmFlags, mainAndArgs).redirectErrorStream(true).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /**
     * Every server JVM gets the same fixed heap, so that a full GC never gives memory back to the
     * OS (which would make RSS fall between two readings) and the servers compare on equal terms.
     */
    static final List<String> SERVER_FLAGS = List.of("-Xms512m", "-Xmx512m", "-Dfibers.jdkAdvisory=false");

    /** A client JVM: plain sockets, nothing to tune. */
    static ServerProcess client(List<String> mainAndArgs) throws IOException {
        return new ServerProcess(List.of(), mainAndArgs);
    }

    /** Starts {@code serverMain args} under {@link FootprintServer} and waits for its port. */
    static ServerProcess server(List<String> spec) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(FootprintServer.class.getName());
        cmd.addAll(spec);
        return new ServerProcess(SERVER_FLAGS, cmd);
    }

    int port() throws IOException {
        return Integer.parseInt(expect(PORT).group(1));
    }

    void send(String line) throws IOException {
        in.write(line + "\n");
        in.flush();
    }

    /** Reads lines until one matches {@code p} (an "ERROR" line or the end fails). */
    Matcher expect(Pattern p) throws IOException {
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                return m;
            }
            if (line.startsWith("ERROR")) {
                throw new IOException("child said: " + line + "\n" + seen);
            }
            seen.append(line).append('\n');
        }
        throw new IOException("child exited before printing " + p + ":\n" + seen);
    }

    Stats stats(boolean fullGc) throws IOException {
        send(fullGc ? "stats gc" : "stats");
        Matcher m = expect(STATS);
        long[] v = new long[8];
        for (int i = 0; i < 8; i++) {
            v[i] = Long.parseLong(m.group(i + 1));
        }
        return new Stats(v[0], v[1], v[2] + v[3] + v[5], v[3] - v[4], v[4], v[6], v[7]);
    }

    /**
     * One STATS line: RSS, heap, native I/O memory (JVM direct + fibers' buffers + Netty's), the
     * part of fibers' buffers held by sockets and the part its pool keeps free, fds, GCs.
     */
    record Stats(long rss, long heap, long direct, long fibersHeld, long fibersPooled, long fds, long gcs) {
    }

    @Override
    public void close() throws InterruptedException {
        try {
            send("quit");
        } catch (IOException ignored) {
            // gone already
        }
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
