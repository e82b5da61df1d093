package org.fibers.examples.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs {@code Main console-demo --port 0} in a child JVM with its standard input piped (so the
 * console reads plain lines), drives it through stdin and through its TCP port, and ends it with
 * {@code quit}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConsoleDemoTest {
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    /** Waits up to 20 s for a line matching {@code p}; the lines read meanwhile are returned too. */
    private List<String> awaitLine(Predicate<String> p, String what) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() - deadline < 0) {
            String l = lines.poll(100, TimeUnit.MILLISECONDS);
            if (l != null) {
                seen.add(l);
                if (p.test(l)) {
                    return seen;
                }
            }
        }
        throw new AssertionError("no line with " + what + " in:\n" + String.join("\n", seen));
    }

    @Test
    void demoShowsEveryKindOfWaitOnStdinAndOverTcpAndEndsOnQuit() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED", "-Dfibers.jdkAdvisory=false",
                "-cp", System.getProperty("java.class.path"), "org.fibers.examples.Main", "console-demo", "--port", "0");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        try {
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                    }
                } catch (IOException e) {
                    lines.add("reader failed: " + e);
                }
            });
            reader.setDaemon(true);
            reader.start();
            OutputStream stdin = p.getOutputStream();

            String banner = awaitLine(l -> l.contains("console also on 127.0.0.1:"), "the TCP port").getLast();
            Matcher m = Pattern.compile("127\\.0\\.0\\.1:(\\d+)").matcher(banner);
            assertTrue(m.find(), banner);
            int port = Integer.parseInt(m.group(1));
            awaitLine(l -> l.startsWith("Fibers console"), "the console's greeting");

            // Every kind of wait shows up (asked again until all fibers have parked).
            List<String> kinds = List.of("order-taker", "channel-get", "chooser", "choice(", "timer", "ticker", "sleep",
                    "acceptor", "fd-readable", "silent-peer");
            String table = "";
            for (int attempt = 0; attempt < 40 && !kinds.stream().allMatch(table::contains); attempt++) {
                send(stdin, "fibers");
                awaitLine(l -> l.startsWith("fibers: "), "a fiber table");
                Thread.sleep(300);
                List<String> more = new ArrayList<>();
                lines.drainTo(more);
                table = String.join("\n", more);
            }
            String t = table;
            assertTrue(kinds.stream().allMatch(t::contains), "every wait is listed:\n" + table);

            send(stdin, "spawn-fiber " + ConsoleDemo.class.getName() + ".ORDERS.put(\"tea\")");
            awaitLine(l -> l.equals("order-taker: got tea"), "the order-taker's receipt");

            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(20_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = s.getOutputStream();
                out.write("stats\nquit\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                StringBuilder all = new StringBuilder();
                for (String l; (l = in.readLine()) != null; ) {
                    all.append(l).append('\n');
                }
                assertTrue(all.toString().contains("runcount"), "stats over TCP:\n" + all);
            }

            send(stdin, "quit");
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the demo ends on quit");
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    private static void send(OutputStream stdin, String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }
}
