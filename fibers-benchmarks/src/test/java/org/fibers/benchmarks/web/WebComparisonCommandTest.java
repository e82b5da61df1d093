package org.fibers.benchmarks.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fibers.benchmarks.core.CommandRun;
import org.fibers.benchmarks.core.Peers;
import org.fibers.benchmarks.report.Results;
import org.fibers.benchmarks.report.WrittenResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebComparison works as a user runs it: server JVMs that each answer a checked request, wrk
 * (Debian's package, installed by .ci/run) against each, a markdown table with a row per
 * server and the targets, and our provider's slot either measured or skipped with "not
 * available" depending on whether its class is on the class path. One round of 1 s after a
 * 1 s warm-up keeps it short; its figures mean nothing and are not checked beyond being there.
 * The same run writes the report's JSON (area "web"), which must parse and hold a series per
 * server and metric, the ratios to Netty and every target.
 */
class WebComparisonCommandTest {
    private static final String ROW = "(?m)^\\| %s \\| ([0-9]+) \\| ([0-9.]+) \\| ([0-9.]+) \\| ([0-9.]+) \\| (\\S+) \\| (\\S+) \\|$";

    @Test
    @Timeout(300)
    void loadsEachServerWithWrkAndPrintsTheTableAndTheTargets(@TempDir Path dir) throws Exception {
        Peers.assumeInstalled("wrk", "apt-get install -y wrk");
        Path json = dir.resolve("web.json");
        String out = CommandRun.run(List.of("-D" + Results.FILE_PROPERTY + "=" + json), List.of(WebComparison.class.getName(),
                "--rounds", "1", "--duration", "1",
                "--warmup", "1", "--servers", "fibers,fibers-jdk-provider,netty"), 240);
        assertTrue(out.contains("| server | req/s | p50 ms | p99 ms | server CPU s / 1M req | req/s vs netty | CPU/req vs netty |"),
                "no table header in:\n" + out);
        for (String server : List.of("fibers", "netty")) {
            Matcher row = Pattern.compile(String.format(ROW, Pattern.quote(server))).matcher(out);
            assertTrue(row.find(), "no row for " + server + " in:\n" + out);
            assertTrue(Long.parseLong(row.group(1)) > 0, "no requests per second for " + server + ":\n" + out);
            assertTrue(Double.parseDouble(row.group(2)) <= Double.parseDouble(row.group(3)),
                    "p50 above p99 for " + server + ":\n" + out);
            assertTrue(Double.parseDouble(row.group(4)) > 0, "no server CPU for " + server + ":\n" + out);
        }
        Matcher netty = Pattern.compile(String.format(ROW, "netty")).matcher(out);
        assertTrue(netty.find());
        assertEquals("1.00x", netty.group(5), "netty's own ratio:\n" + out);
        assertTrue(Pattern.compile("(?m)^target fibers req/s >= 0\\.9x netty's: [0-9.]+x  (MET|MISSED)$").matcher(out).find(),
                "no throughput target in:\n" + out);
        assertTrue(Pattern.compile("(?m)^target fibers CPU/req <= 1\\.15x netty's: [0-9.]+x  (MET|MISSED)$").matcher(out).find(),
                "no CPU target in:\n" + out);
        boolean provider = isOnClassPath(WebComparison.PROVIDER);
        assertEquals(provider, Pattern.compile(String.format(ROW, "fibers-jdk-provider")).matcher(out).find(),
                "provider row iff " + WebComparison.PROVIDER + " is on the class path (" + provider + "):\n" + out);
        assertEquals(!provider, out.contains("fibers-jdk-provider: not available (" + WebComparison.PROVIDER
                + " is not on the class path)"), "the 'not available' line iff the provider is absent:\n" + out);

        WrittenResults results = WrittenResults.read(json, "web");
        assertEquals("fibers", results.param("ours").orElseThrow());
        List<String> measured = provider ? List.of("fibers", "fibers-jdk-provider", "netty") : List.of("fibers", "netty");
        assertEquals(Set.copyOf(measured), results.scenarios(), "scenarios with series");
        for (String server : measured) {
            assertTrue(results.assertSeries(server, "req_per_s", 1) > 0, server);
            assertTrue(results.assertSeries(server, "cpu_s_per_1m_req", 1) > 0, server);
            double p50 = results.assertSeries(server, "p50_ms", 1);
            double p90 = results.assertSeries(server, "p90_ms", 1);
            double p99 = results.assertSeries(server, "p99_ms", 1);
            assertTrue(p50 <= p90 && p90 <= p99, server + ": p50 " + p50 + ", p90 " + p90 + ", p99 " + p99);
            assertTrue(results.ratio(server, "netty", "req_per_s").isPresent() == !server.equals("netty"), server);
        }
        assertEquals(provider ? Set.of() : Set.of("fibers-jdk-provider"), results.skipped());
        results.assertMeasuredTarget("fibers req/s >= 0.9x netty's");
        results.assertMeasuredTarget("fibers CPU/req <= 1.15x netty's");
        assertTrue(results.target("fibers req/s >= 1.1x helidon's").orElseThrow().path("measured").isNull(),
                "helidon did not run, so its target is not measured");
        assertTrue(results.target("fibers-jdk-provider req/s >= 1.2x jdk-vt's").isPresent());
        assertTrue(results.target("fibers-jdk-provider CPU/req <= 0.85x jdk-vt's").isPresent());
    }

    @Test
    @Timeout(120)
    void withoutWrkEveryServerIsSkippedAndTheReportIsStillWritten(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("web.json");
        CommandRun.run(List.of("-D" + Results.FILE_PROPERTY + "=" + json), List.of(WebComparison.class.getName(),
                "--rounds", "1", "--duration", "1", "--warmup", "1"), 100, Map.of("PATH", dir.resolve("no-tools").toString()));
        WrittenResults results = WrittenResults.read(json, "web");
        assertEquals(Set.of("fibers", "fibers-jdk-provider", "jdk-vt", "helidon", "netty"), results.skipped());
        assertEquals(Set.of(), results.scenarios());
        assertEquals(5, results.root().get("targets").size(), "every target, not measured");
        assertTrue(results.target("fibers req/s >= 0.9x netty's").orElseThrow().path("measured").isNull());
    }

    @Test
    @Timeout(120)
    void anUnknownServerNameIsAnError() {
        AssertionError e = assertThrows(AssertionError.class, () ->
                CommandRun.run(List.of(), List.of(WebComparison.class.getName(), "--servers", "nginx"), 100));
        assertTrue(e.getMessage().contains("unknown server nginx"), e.getMessage());
    }

    @Test
    void wrksReportIsRead() {
        Wrk.Result r = Wrk.parse("""
                Running 1s test @ http://127.0.0.1:8080/
                  2 threads and 100 connections
                  Thread Stats   Avg      Stdev     Max   +/- Stdev
                    Latency   722.10us    1.07ms  21.62ms   93.65%
                    Req/Sec    70.10k     5.11k   77.01k    70.00%
                  Latency Distribution
                     50%  476.00us
                     75%  714.00us
                     90%    1.16ms
                     99%    1.20s
                  139511 requests in 1.00s, 19.29MB read
                  Socket errors: connect 0, read 3, write 0, timeout 2
                  Non-2xx or 3xx responses: 7
                Requests/sec: 139403.39
                Transfer/sec:     19.27MB
                """);
        assertEquals(new Wrk.Result(139511, 139403.39, 0.476, 1.16, 1200.0, 5, 7), r);
    }

    private static boolean isOnClassPath(String name) {
        try {
            Class.forName(name, false, WebComparisonCommandTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
