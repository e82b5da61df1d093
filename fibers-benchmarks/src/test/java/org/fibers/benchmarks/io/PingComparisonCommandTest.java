package org.fibers.benchmarks.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.fibers.benchmarks.core.CommandRun;
import org.fibers.benchmarks.core.ReportJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PingComparison works as a user and the report run it: four server JVMs, a client JVM per run
 * (which checks every echo, so each server, the Loom floor included, must answer correctly), a
 * table with each server's throughput, CPU per round trip and latency percentiles, then the four
 * targets and the floor line, and the same figures in its results file. A small load (the
 * report's smoke size, 20 connections x 50 requests) keeps it short; its figures mean nothing and
 * are not checked.
 */
class PingComparisonCommandTest {
    private static final List<String> SERVERS = List.of("fibers", "jdk-vt", "netty", "loom-floor");

    @Test
    void comparesTheFourServersAndPrintsAndWritesTheTargetsAndTheFloor(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ping.json");
        String out = CommandRun.run(List.of("-Dfibers.report.json=" + file), List.of(PingComparison.class.getName(),
                "20", "50", "--rounds", "1", "--warmup", "50"), 300);
        for (String server : SERVERS) {
            Matcher row = Pattern.compile("(?m)^" + Pattern.quote(server)
                    + " +([0-9]+) +([0-9.]+) +([0-9.]+) +([0-9.]+) +([0-9.]+) +([0-9.]+) ").matcher(out);
            assertTrue(row.find(), "no row for " + server + " in:\n" + out);
            assertTrue(Long.parseLong(row.group(1)) > 0, "no round trips for " + server + ":\n" + out);
            assertTrue(Double.parseDouble(row.group(3)) <= Double.parseDouble(row.group(2)),
                    "the user-space part exceeds the whole CPU time for " + server + ":\n" + out);
            double p50 = Double.parseDouble(row.group(4));
            double p99 = Double.parseDouble(row.group(6));
            assertTrue(p50 > 0 && p50 <= Double.parseDouble(row.group(5)) && Double.parseDouble(row.group(5)) <= p99,
                    "latency percentiles out of order for " + server + ":\n" + out);
        }
        assertTrue(Pattern.compile("(?m)^targets: CPU/RT <= netty: (met|MISSED) .*throughput >= netty: (met|MISSED) .*"
                + "CPU/RT <= 1.05x loom-floor: (met|MISSED) ").matcher(out).find(), "no targets line in:\n" + out);
        assertTrue(Pattern.compile("(?m)^floor: loom-floor is \\S+ netty's CPU/RT, \\S+ s more user time .*"
                + "fibers is \\S+ the floor$").matcher(out).find(), "no floor line in:\n" + out);

        ReportJson json = ReportJson.read(file, "ping", 1);
        assertEquals("fibers", json.param("ours"));
        for (String server : SERVERS) {
            assertTrue(json.series(server, "rt_per_s").path("median").asDouble() > 0, server);
            for (String metric : List.of("cpu_s_per_1m_rt", "user_cpu_s_per_1m_rt", "p50_ms", "p90_ms", "p99_ms")) {
                json.series(server, metric);
            }
            assertTrue(json.series(server, "p99_ms").path("median").asDouble() > 0, server);
        }
        for (String peer : List.of("netty", "jdk-vt", "loom-floor")) {
            json.ratio("fibers", peer, "cpu_s_per_1m_rt");
        }
        json.ratio("fibers", "netty", "rt_per_s");
        json.ratio("loom-floor", "netty", "cpu_s_per_1m_rt");
        json.target("fibers CPU/RT <= 1.00x netty's");
        json.target("fibers CPU/RT <= 0.85x jdk-vt's");
        json.target("fibers RT/s >= 1.00x netty's");
        assertEquals(1.05, json.target("fibers CPU/RT <= 1.05x loom-floor's").path("bound").asDouble());
        assertEquals(4, json.targetTexts().size(), json.targetTexts()::toString);
        assertTrue(json.skipped().isEmpty(), json.skipped()::toString);
    }

    @Test
    void withoutThePingClientEveryServerIsSkippedInTheFileAndTheRunEndsWell(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ping.json");
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("fibers-examples"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dfibers.report.json=" + file, "-cp", classPath, PingComparison.class.getName(), "1", "1"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("PingClient is not on the class path"), out);
        ReportJson json = ReportJson.readAny(file, "ping");
        assertEquals(SERVERS, json.skipped());
    }

    @Test
    void anUnknownServerNameIsAnError() throws Exception {
        AssertionError e = assertThrows(AssertionError.class, () ->
                CommandRun.run(List.of(), List.of(PingComparison.class.getName(), "1", "1", "--servers", "nginx"), 120));
        assertTrue(e.getMessage().contains("unknown server nginx"), e.getMessage());
    }
}
