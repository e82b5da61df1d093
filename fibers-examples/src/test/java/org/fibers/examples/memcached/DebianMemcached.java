package org.fibers.examples.memcached;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The C memcached (Debian's package) started on 127.0.0.1 and a free port, stopped by its pid.
 * Tests that need it or its tools skip, saying why, when the binaries are absent; with the
 * environment variable {@code FIBERS_REQUIRE_PEERS} set (as {@code .ci/run} and the GitHub
 * workflow set it) they fail instead, so a CI run cannot pass by skipping them.
 */
final class DebianMemcached implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/memcached");

    private final Process process;
    private final int port;

    private DebianMemcached(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Skips (or with FIBERS_REQUIRE_PEERS fails) the calling test unless {@code tool} (a path) is installed. */
    static void assumeInstalled(Path tool) {
        if (System.getenv("FIBERS_REQUIRE_PEERS") != null && !Files.isExecutable(tool)) {
            throw new AssertionError(tool + " is not installed, and FIBERS_REQUIRE_PEERS is set"
                    + " (apt-get install -y memcached libmemcached-tools)");
        }
        assumeTrue(Files.isExecutable(tool), tool + " is not installed (apt-get install -y memcached libmemcached-tools)");
    }

    /** Starts {@code memcached -l 127.0.0.1 -p PORT -U 0} plus {@code extra} arguments. */
    static DebianMemcached start(String... extra) throws Exception {
        assumeInstalled(BINARY);
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-l", "127.0.0.1", "-p", String.valueOf(port), "-U", "0"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("-u", "root")); // memcached refuses to run as root otherwise
        }
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return new DebianMemcached(p, port);
            } catch (IOException notYet) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("memcached exited with " + p.exitValue());
                }
                Thread.sleep(20);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("memcached did not listen on port " + port + " within 10 s");
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
