package org.fibers.benchmarks.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interleaved works as the report runs it, at the report's smoke sizes: each mode prints a row
 * per variant and its targets, and writes the same figures to the results file. Figures are
 * not checked, only that they are there.
 */
class InterleavedCommandTest {
    @Test
    void handOffWritesEveryVariantItsRatiosAndBothTargets(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("handoff.json");
        String out = CommandRun.run(List.of("-Dfibers.report.json=" + file),
                List.of(Interleaved.class.getName(), "handoff", "4"), 120);
        ReportJson json = ReportJson.read(file, "handoff", 4);
        String vt = checkVariants(out, json);
        json.target("fibers_p1 <= 1.15 x floor");
        json.target("fibers_p1 <= 1.00 x " + vt);
        assertEquals(2, json.targetTexts().size(), json.targetTexts()::toString);
        assertEquals(2, countTargetLines(out), out);
    }

    @Test
    void spawnJoinTakesAFiberCountAndWritesItsTarget(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("spawnjoin.json");
        String out = CommandRun.run(List.of("-Xmx1g", "-Dfibers.report.json=" + file),
                List.of(Interleaved.class.getName(), "spawnjoin", "1", "--fibers", "20000"), 120);
        assertTrue(out.contains("1 rounds x 20,000 fibers per sample"), out);
        ReportJson json = ReportJson.read(file, "spawnjoin", 1);
        assertEquals("20000", json.param("per_sample"));
        String vt = checkVariants(out, json);
        json.target("fibers_p1 <= 0.75 x " + vt);
        assertEquals(1, countTargetLines(out), out);
    }

    /** Checks every variant's row and series and the ratios; returns the default-VT variant's name. */
    private static String checkVariants(String out, ReportJson json) {
        String vt = json.param("vt_default");
        assertTrue(vt.matches("vtDefault_p\\d+"), vt);
        assertEquals("fibers_p1", json.param("ours"));
        for (String v : List.of("floor", "fibers_p1", "fibers_p2", vt)) {
            assertTrue(Pattern.compile("(?m)^" + v + " +[0-9.]+ ").matcher(out).find(), "no row for " + v + ":\n" + out);
            json.series(v, "ns_per_op");
        }
        for (String v : List.of("fibers_p1", "fibers_p2")) {
            json.ratio(v, "floor", "ns_per_op");
            json.ratio(v, vt, "ns_per_op");
        }
        json.ratio(vt, "floor", "ns_per_op");
        return vt;
    }

    private static int countTargetLines(String out) {
        return (int) out.lines().filter(l -> l.matches("target .*: [0-9.]+  (MET|MISSED)")).count();
    }
}
