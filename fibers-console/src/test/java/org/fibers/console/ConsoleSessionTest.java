package org.fibers.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.fibers.channels.Channel;
import org.fibers.introspect.Introspection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The scripted session of issue 25, driven through the console's reader and writer (public: the snippets name it). */
@Timeout(120)
public class ConsoleSessionTest {
    /** The channel the JShell snippets of the session use: the application's static state. */
    public static final Channel<Integer> CHANNEL = new Channel<>();
    /** What the blocked fiber received. */
    public static final AtomicReference<Integer> RECEIVED = new AtomicReference<>();

    private final StringWriter out = new StringWriter();
    private final Console console = new Console(new StringReader(""), out);

    /** Runs one line and returns what it printed. */
    private String run(String line) {
        int from = out.getBuffer().length();
        assertTrue(console.execute(line), line);
        return out.getBuffer().substring(from);
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no " + regex + " in:\n" + text);
        return m.group(1);
    }

    @Test
    void blockedFiberIsListedWithItsChannelWaitAndFinishesWhenAJShellFiberPuts() {
        try (console) {
            String sched = group(run("spawn-sched"), "spawned (sched-\\d+\\.0)");
            assertTrue(run("scheds").contains(sched + " "), "scheds lists the new scheduler");

            String getter = group(run("spawn-fiber " + ConsoleSessionTest.class.getName() + ".RECEIVED.set("
                    + ConsoleSessionTest.class.getName() + ".CHANNEL.get()) " + sched), "spawned (fiber-\\d+) on " + sched);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> run("fibers " + sched).lines()
                    .anyMatch(l -> l.startsWith(getter + " ") && l.contains("SUSPENDED") && l.contains("channel-get channel@")));

            String one = run("fiber " + getter);
            assertTrue(one.contains("channel-get"), one);
            assertTrue(one.contains("    at " + Channel.class.getName()), "its stack shows the channel's get:\n" + one);

            String putter = group(run("spawn-fiber " + ConsoleSessionTest.class.getName() + ".CHANNEL.put(42);"),
                    "spawned (fiber-\\d+) on " + sched);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Integer.valueOf(42).equals(RECEIVED.get()));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> run("fibers " + sched).lines()
                    .noneMatch(l -> l.startsWith(getter + " ") || l.startsWith(putter + " ")));

            String stats = run("stats");
            assertTrue(stats.lines().anyMatch(l -> l.startsWith(sched + " ")), stats);

            assertEquals("killed " + sched + "\n", run("kill-sched " + sched));
            assertFalse(run("scheds").contains(sched + " "), "a killed scheduler is gone");
            assertTrue(Introspection.schedulerByName(sched).isEmpty());
        }
    }

    @Test
    void compileErrorPrintsDiagnosticsAndTheSessionGoesOn() {
        try (console) {
            String sched = group(run("spawn-sched"), "spawned (sched-\\d+\\.0)");
            String bad = run("spawn-fiber no.such.Thing.call(1)");
            assertTrue(bad.startsWith("error: spawn-fiber: the code does not compile:"), bad);
            assertTrue(bad.contains("  error at "), "a diagnostic with its position:\n" + bad);
            String typo = run("spawn-fiber int x = \"a string\";");
            assertTrue(typo.contains("incompatible types"), typo);
            String good = run("spawn-fiber int x = 1 + 1; " + sched);
            assertTrue(good.matches("spawned fiber-\\d+ on " + sched + "\\n"), good);
            assertTrue(run("scheds").contains(sched), "the session goes on");
            run("kill-sched " + sched);
        }
    }

    @Test
    void scriptRunsToQuitAndBadInputGetsClearErrors() {
        String script = String.join("\n", "help", "bogus", "kill-sched", "kill-sched sched-999.0", "spawn-sched x",
                "fiber fiber-0", "fibers sched-999.0", "spawn-fiber", "quit", "scheds") + "\n";
        StringWriter w = new StringWriter();
        try (Console c = new Console(new StringReader(script), w)) {
            c.run();
        }
        String s = w.toString();
        assertTrue(s.contains("spawn-fiber CODE [SCHED]"), "help lists spawn-fiber:\n" + s);
        assertTrue(s.contains("error: unknown command 'bogus' (try help)"), s);
        assertTrue(s.contains("error: usage: kill-sched NAME"), s);
        assertTrue(s.contains("error: no live scheduler named 'sched-999.0' (see scheds)"), s);
        assertTrue(s.contains("error: usage: spawn-sched [PARALLELISM], not 'x'"), s);
        assertTrue(s.contains("error: no live fiber named 'fiber-0' (see fibers)"), s);
        assertTrue(s.contains("error: usage: spawn-fiber CODE [SCHED]"), s);
        assertFalse(s.contains("schedulers: "), "nothing runs after quit:\n" + s);
    }
}
