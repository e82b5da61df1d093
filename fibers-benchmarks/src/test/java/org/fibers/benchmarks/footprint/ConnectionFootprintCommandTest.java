package org.fibers.benchmarks.footprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fibers.benchmarks.core.CommandRun;
import org.fibers.benchmarks.report.Results;
import org.fibers.benchmarks.report.WrittenResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ConnectionFootprint 50 200 --churn 200} (the report's smoke size) works as a user runs
 * it: three server JVMs in turn at each count, a client JVM that opens the connections and checks
 * the echo of each ping, a row per server and count, the slopes, and the churn check with its
 * targets line; and the report's JSON (area "footprint") holds the memory points per server and
 * count, the per-connection series, the times, the churn's figures and every target. The
 * figures of so small a run mean nothing and are not checked; the churn's verdict on memory and
 * descriptors is, since it does not depend on speed, and so is every ping wave's completeness.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectionFootprintCommandTest {
    private static final List<String> SERVERS = List.of("fibers", "jdk-vt", "netty");

    @Test
    void measuresTheThreeServersAndTheChurn(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("footprint.json");
        String out = CommandRun.run(List.of("-D" + Results.FILE_PROPERTY + "=" + json),
                List.of(ConnectionFootprint.class.getName(), "50", "200", "--churn", "200"), 280);
        for (String server : SERVERS) {
            for (int count : new int[] {50, 200}) {
                Matcher row = Pattern.compile("(?m)^" + Pattern.quote(server) + " +" + count
                        + " +([0-9.]+) +([0-9.]+) +-?[0-9]+ +-?[0-9]+ +-?[0-9]+$").matcher(out);
                assertTrue(row.find(), "no row for " + server + " at " + count + " in:\n" + out);
            }
            assertTrue(out.contains("target ping wave complete (" + server + "): met"), "wave of " + server + " in:\n" + out);
        }
        assertTrue(Pattern.compile("(?m)^targets: RSS/conn <= netty \\+ 1 KiB .*: (met|MISSED); RSS/conn <= jdk-vt / 2 .*: (met|MISSED)$")
                .matcher(out).find(), "no slope targets in:\n" + out);
        Matcher churn = Pattern.compile("(?m)^churn: 200 connect/ping/close cycles against fibers .*$").matcher(out);
        assertTrue(churn.find(), "no churn line in:\n" + out);
        Matcher targets = Pattern.compile("(?m)^targets: native memory back within 1%: (met|MISSED); fds back within 1%: (met|MISSED)$")
                .matcher(out);
        assertTrue(targets.find(), "no churn targets in:\n" + out);
        assertEquals("met", targets.group(1), out);
        assertEquals("met", targets.group(2), out);

        WrittenResults results = WrittenResults.read(json, "footprint");
        assertEquals("fibers", results.param("ours").orElseThrow());
        assertEquals(Set.copyOf(SERVERS), results.scenarios());
        for (String server : SERVERS) {
            for (String curve : List.of("rss_bytes", "heap_bytes", "direct_bytes", "rss_bytes_per_conn", "open_s", "wave_s")) {
                assertEquals(2, results.pointCount(server, curve), server + " " + curve);
            }
            for (String metric : List.of("rss_bytes_per_conn", "heap_bytes_per_conn", "direct_bytes_per_conn",
                    "open_us_per_conn", "wave_us_per_conn")) {
                results.assertSeries(server, metric, 1);
            }
            assertTrue(results.assertMeasuredTarget("ping wave complete (" + server + ")").path("met").asBoolean(), server);
        }
        results.assertMeasuredTarget("fibers RSS/conn <= netty's + 1 KiB");
        results.assertMeasuredTarget("fibers RSS/conn <= jdk-vt's / 2");
        assertTrue(results.ratio("fibers", "netty", "rss_bytes_per_conn").isPresent());
        for (String text : List.of("native memory back within 1% after the churn", "fds back within 1% after the churn")) {
            JsonNode t = results.assertMeasuredTarget(text);
            assertTrue(t.path("met").asBoolean(), t.toString());
        }
        assertEquals("200", results.param("churn_cycles").orElseThrow());
        assertTrue(results.param("churn_fds_after").isPresent());
        results.assertSeries("fibers", "churn_us_per_cycle", 1);
    }
}
