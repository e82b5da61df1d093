package org.fibers.benchmarks.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fibers.benchmarks.core.CommandRun;
import org.junit.jupiter.api.Test;

/**
 * PingComparison works as a user runs it: four server JVMs, a client JVM per run (which checks
 * every echo, so each server, the Loom floor included, must answer correctly), and a table with
 * each server's throughput and CPU per round trip, then the three targets and the floor line. A small load
 * (20 connections x 50 requests) keeps it short; its figures mean nothing and are not checked.
 */
class PingComparisonCommandTest {
    @Test
    void comparesTheFourServersAndPrintsTheTargetsAndTheFloor() throws Exception {
        String out = CommandRun.run(List.of(), List.of(PingComparison.class.getName(), "20", "50",
                "--rounds", "1", "--warmup", "10"), 300);
        for (String server : List.of("fibers", "jdk-vt", "netty", "loom-floor")) {
            Matcher row = Pattern.compile("(?m)^" + Pattern.quote(server) + " +([0-9]+) +([0-9.]+) +([0-9.]+) ").matcher(out);
            assertTrue(row.find(), "no row for " + server + " in:\n" + out);
            assertTrue(Long.parseLong(row.group(1)) > 0, "no round trips for " + server + ":\n" + out);
            assertTrue(Double.parseDouble(row.group(3)) <= Double.parseDouble(row.group(2)),
                    "the user-space part exceeds the whole CPU time for " + server + ":\n" + out);
        }
        assertTrue(Pattern.compile("(?m)^targets: CPU/RT <= netty: (met|MISSED) .*throughput >= netty: (met|MISSED)")
                .matcher(out).find(), "no targets line in:\n" + out);
        assertTrue(Pattern.compile("(?m)^floor: loom-floor is \\S+ netty's CPU/RT, \\S+ s more user time .*"
                + "fibers is \\S+ the floor$").matcher(out).find(), "no floor line in:\n" + out);
    }

    @Test
    void anUnknownServerNameIsAnError() throws Exception {
        AssertionError e = assertThrows(AssertionError.class, () ->
                CommandRun.run(List.of(), List.of(PingComparison.class.getName(), "1", "1", "--servers", "nginx"), 120));
        assertTrue(e.getMessage().contains("unknown server nginx"), e.getMessage());
    }
}
