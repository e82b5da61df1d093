package org.fibers.benchmarks.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.fibers.benchmarks.core.CommandRun;
import org.fibers.benchmarks.core.Peers;
import org.fibers.benchmarks.report.Results;
import org.fibers.benchmarks.report.WrittenResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * MemcachedComparison works as the report runs it, at its smoke size ({@code 20 20 --rounds 1
 * --seconds 1 --items 1000}): our two stores and the C server under both loads, a table row per
 * load and server, the targets, and the report's JSON (area "memcached") with each server's
 * series, the ratios to the C server, the bytes per item and the four targets. The figures of
 * so small a run mean nothing and are not checked beyond being there. Needs Debian's memcached
 * and memcaslap (skipped without them, unless FIBERS_REQUIRE_PEERS is set).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MemcachedComparisonCommandTest {
    private static final List<String> SERVERS = List.of("fibers-locks", "fibers-owners", "memcached-c");

    @Test
    void comparesBothStoresWithTheCServerAndWritesTheResults(@TempDir Path dir) throws Exception {
        Peers.assumeInstalled("/usr/bin/memcached", "apt-get install -y memcached");
        Peers.assumeInstalled("/usr/bin/memcaslap", "apt-get install -y libmemcached-tools");
        Path json = dir.resolve("memcached.json");
        String out = CommandRun.run(List.of("-D" + Results.FILE_PROPERTY + "=" + json), List.of(
                MemcachedComparison.class.getName(), "20", "20", "--rounds", "1", "--seconds", "1", "--items", "1000"), 220);
        for (String server : SERVERS) {
            assertTrue(Pattern.compile("(?m)^\\| memcached-client 20 20 \\| " + server + " \\| [0-9]+ \\| [0-9.]+x \\| [0-9.]+ \\|"
                    + " [0-9.]+x \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|$").matcher(out).find(), "no memcached-client row for "
                    + server + " in:\n" + out);
            assertTrue(Pattern.compile("(?m)^\\| memcaslap -T 2 -c 16 -t 1s \\| " + server + " \\| [0-9]+ \\| [0-9.]+x \\|")
                    .matcher(out).find(), "no memcaslap row for " + server + " in:\n" + out);
        }
        assertTrue(Pattern.compile("(?m)^target fibers-locks ops/s >= 0\\.7x memcached-c's \\(memcaslap\\): [0-9.]+x  (MET|MISSED)$")
                .matcher(out).find(), "no memcaslap throughput target in:\n" + out);

        WrittenResults results = WrittenResults.read(json, "memcached");
        assertEquals("fibers-locks", results.param("ours").orElseThrow());
        assertEquals(Set.copyOf(SERVERS), results.scenarios());
        assertEquals(Set.of(), results.skipped());
        for (String server : SERVERS) {
            assertTrue(results.assertSeries(server, "ops_per_s", 1) > 0, server);
            assertTrue(results.assertSeries(server, "cpu_s_per_1m_ops", 1) > 0, server);
            double p50 = results.assertSeries(server, "p50_ms", 1);
            double p99 = results.assertSeries(server, "p99_ms", 1);
            assertTrue(p50 <= results.assertSeries(server, "p90_ms", 1) && p50 <= p99, server);
            assertTrue(results.assertSeries(server, "memcaslap_ops_per_s", 1) > 0, server);
            assertTrue(results.assertSeries(server, "memcaslap_cpu_s_per_1m_ops", 1) > 0, server);
        }
        assertTrue(results.assertSeries("fibers-locks", "bytes_per_item", 1) > 0);
        results.assertSeries("memcached-c", "bytes_per_item", 1);
        for (String server : List.of("fibers-locks", "fibers-owners")) {
            for (String metric : List.of("ops_per_s", "cpu_s_per_1m_ops", "memcaslap_ops_per_s", "memcaslap_cpu_s_per_1m_ops")) {
                assertTrue(results.ratio(server, "memcached-c", metric).isPresent(), server + " " + metric);
            }
        }
        for (String load : List.of("memcached-client", "memcaslap")) {
            results.assertMeasuredTarget("fibers-locks ops/s >= 0.7x memcached-c's (" + load + ")");
            results.assertMeasuredTarget("fibers-locks CPU/op <= 1.5x memcached-c's (" + load + ")");
        }
    }
}
