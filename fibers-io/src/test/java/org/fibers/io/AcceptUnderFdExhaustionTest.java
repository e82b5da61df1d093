package org.fibers.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server whose process runs out of descriptors keeps its pending connections queued, does not
 * spin while it waits, logs at most once a second, serves its existing connections meanwhile, and
 * serves the pending ones once descriptors are freed. The server is a child JVM
 * started under {@code ulimit -n 64}; the clients are plain JDK sockets in this JVM.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AcceptUnderFdExhaustionTest {
    private static final int FD_LIMIT = 64;

    @Test
    void acceptBacksOffWithoutSpinningAndServesAgainOnceDescriptorsAreFree() throws Exception {
        Path log = Files.createTempFile("fd-limited-server", ".log");
        Process child = startServer(log);
        List<Client> clients = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String portLine = out.readLine();
            assertNotNull(portLine, () -> "server did not start: " + read(log));
            int port = Integer.parseInt(portLine.substring("PORT ".length()));

            // Connect until a connection is no longer served: the server is out of descriptors.
            Client stuck = null;
            String owed = null;
            long start = System.nanoTime();
            for (int i = 0; i < 2 * FD_LIMIT && stuck == null; i++) {
                Client c = new Client(port);
                String text = "hello " + i;
                c.send(text);
                String echo = c.answered(Duration.ofSeconds(2));
                if (echo == null) {
                    stuck = c;
                    owed = text;
                } else {
                    assertEquals(text, echo);
                    clients.add(c);
                }
            }
            assertNotNull(stuck, "the fd limit never bit");
            assertTrue(clients.size() > 5, "served " + clients.size() + " before running out");

            // While exhausted, with a connection pending, the server must sleep, not spin.
            long cpu0 = cpuMillis(child);
            Thread.sleep(1500);
            long cpu = cpuMillis(child) - cpu0;
            assertTrue(cpu < 600, "server used " + cpu + " ms of CPU in 1.5 s while out of descriptors");
            assertTrue(read(log).contains("Too many open files"), () -> "no clear log line: " + read(log));

            // Still out of descriptors: the connections already accepted are served meanwhile.
            for (int i = 0; i < 3; i++) {
                Client old = clients.get(i);
                old.send("still here " + i);
                assertEquals("still here " + i, old.answered(Duration.ofSeconds(5)), "an old connection while exhausted");
            }
            Thread.sleep(2000);
            // The back-off retries every <= 200 ms, each failing with EMFILE, but logs at most once a second.
            double seconds = (System.nanoTime() - start) / 1e9;
            long lines = read(log).lines().filter(l -> l.contains("Too many open files")).count();
            assertTrue(lines >= 1 && lines <= Math.ceil(seconds) + 1,
                    () -> lines + " log lines in " + seconds + " s of exhaustion:\n" + read(log));

            // Free some descriptors: the pending connection is accepted and served.
            for (int i = 0; i < 5; i++) {
                clients.remove(clients.size() - 1).close();
            }
            assertEquals(owed, stuck.answered(Duration.ofSeconds(10)),
                    "the queued connection is served once descriptors are free");
            clients.get(0).send("again");
            assertEquals("again", clients.get(0).answered(Duration.ofSeconds(5)), "old connections still work");
            Client fresh = new Client(port);
            clients.add(fresh);
            fresh.send("new one");
            assertEquals("new one", fresh.answered(Duration.ofSeconds(5)));
            stuck.close();
        } finally {
            for (Client c : clients) {
                c.close();
            }
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }

    /** Starts FdLimitedEchoServer in a child JVM like this one, under ulimit -n, logging to {@code log}. */
    private static Process startServer(Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + FD_LIMIT + " && exec \"$@\"", "bash"));
        cmd.addAll(ChildJava.command(FdLimitedEchoServer.class));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(log.toFile());
        return pb.start();
    }

    /** User plus system CPU time of the child, from the OS. */
    private static long cpuMillis(Process p) {
        return p.toHandle().info().totalCpuDuration().orElseThrow().toMillis();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** A blocking JDK client. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final BufferedReader in;

        Client(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            out = socket.getOutputStream();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        void send(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** The next line, or null if none came within {@code wait}. */
        String answered(Duration wait) throws IOException {
            socket.setSoTimeout((int) wait.toMillis());
            try {
                return in.readLine();
            } catch (SocketTimeoutException e) {
                return null;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
