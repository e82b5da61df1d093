package org.fibers.benchmarks.footprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fibers.benchmarks.core.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ConnectionFootprint 200} works as a user runs it: three server JVMs in turn, a client JVM
 * that opens 200 connections and checks the echo of each ping, a row per server, and the churn
 * check (2,000 cycles) with its targets line. The figures of so small a run mean nothing and are
 * not checked; the churn's verdict on memory and descriptors is, since it does not depend on speed.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectionFootprintCommandTest {
    @Test
    void measuresTheThreeServersAndTheChurn() throws Exception {
        String out = CommandRun.run(List.of(), List.of(ConnectionFootprint.class.getName(), "200"), 280);
        for (String server : List.of("fibers", "jdk-vt", "netty")) {
            Matcher row = Pattern.compile("(?m)^" + Pattern.quote(server) + " +200 +([0-9.]+) +([0-9.]+) +-?[0-9]+ +-?[0-9]+ +-?[0-9]+$")
                    .matcher(out);
            assertTrue(row.find(), "no row for " + server + " in:\n" + out);
        }
        Matcher churn = Pattern.compile("(?m)^churn: 2000 connect/ping/close cycles against fibers .*$").matcher(out);
        assertTrue(churn.find(), "no churn line in:\n" + out);
        Matcher targets = Pattern.compile("(?m)^targets: native memory back within 1%: (met|MISSED); fds back within 1%: (met|MISSED)$")
                .matcher(out);
        assertTrue(targets.find(), "no churn targets in:\n" + out);
        assertEquals("met", targets.group(1), out);
        assertEquals("met", targets.group(2), out);
    }
}
