package org.fibers.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The console over its loopback TCP port, one session per connection. */
@Timeout(120)
public class ConsoleServerTest {
    /** Bumped by the fiber a TCP session spawns through JShell. */
    public static final AtomicInteger HITS = new AtomicInteger();

    /** A client speaking to the console like nc does: lines out, text up to the next prompt back. */
    private static final class Client implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Client(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(60_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        /** Everything up to and without the next prompt. */
        String untilPrompt() throws IOException {
            StringBuilder b = new StringBuilder();
            for (;;) {
                int c = in.read();
                if (c < 0) {
                    return b.toString();
                }
                b.append((char) c);
                if (b.toString().endsWith(Console.PROMPT)) {
                    return b.substring(0, b.length() - Console.PROMPT.length());
                }
            }
        }

        String send(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return untilPrompt();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void sessionsOverLoopbackRunCommandsAndJShellFibers() throws IOException {
        try (ConsoleServer server = ConsoleServer.start(0)) {
            assertTrue(server.port() > 0);
            try (Client a = new Client(server.port()); Client b = new Client(server.port())) {
                assertTrue(a.untilPrompt().contains("'help' lists the commands"));
                b.untilPrompt();
                Matcher m = Pattern.compile("spawned (sched-\\d+\\.0)").matcher(a.send("spawn-sched"));
                assertTrue(m.find());
                String sched = m.group(1);
                assertTrue(b.send("scheds").contains(sched + " "), "another session sees it");
                String spawned = a.send("spawn-fiber " + ConsoleServerTest.class.getName() + ".HITS.incrementAndGet() " + sched);
                assertTrue(spawned.matches("spawned fiber-\\d+ on " + sched + "\\n"), spawned);
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> HITS.get() == 1);
                String bad = b.send("spawn-fiber undefinedVariable.foo() " + sched);
                assertTrue(bad.contains("does not compile") && bad.contains("cannot find symbol"), bad);
                assertEquals("killed " + sched + "\n", b.send("kill-sched " + sched));
                a.out.write("quit\n".getBytes(StandardCharsets.UTF_8));
                a.out.flush();
                assertEquals(-1, a.in.read(), "quit ends that session: the server closes the connection");
                assertTrue(b.send("help").contains("kill-sched NAME"), "the other session goes on");
            }
        }
    }

    @Test
    void serverIsOffUnlessThePropertyIsSetAndRejectsABadPort() {
        String old = System.getProperty(ConsoleServer.PORT_PROPERTY);
        try {
            System.clearProperty(ConsoleServer.PORT_PROPERTY);
            assertTrue(ConsoleServer.startFromSystemProperty().isEmpty());
            System.setProperty(ConsoleServer.PORT_PROPERTY, "not-a-port");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ConsoleServer::startFromSystemProperty);
            assertTrue(e.getMessage().contains("fibers.console.port"), e.getMessage());
            System.setProperty(ConsoleServer.PORT_PROPERTY, "0");
            try (ConsoleServer s = ConsoleServer.startFromSystemProperty().orElseThrow()) {
                try (Client c = new Client(s.port())) {
                    assertTrue(c.untilPrompt().contains("Fibers console"));
                    assertTrue(c.socket.getLocalAddress().isLoopbackAddress());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (old == null) {
                System.clearProperty(ConsoleServer.PORT_PROPERTY);
            } else {
                System.setProperty(ConsoleServer.PORT_PROPERTY, old);
            }
        }
    }
}
