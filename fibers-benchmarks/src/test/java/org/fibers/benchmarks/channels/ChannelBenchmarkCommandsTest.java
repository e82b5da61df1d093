package org.fibers.benchmarks.channels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fibers.benchmarks.core.CommandRun;
import org.fibers.benchmarks.core.ReportJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.annotations.Param;

/**
 * The channel benchmarks work as a user runs them: every scenario opens, runs and closes, the
 * JMH benchmark offers every scenario, and InterleavedChannels prints its table and targets and
 * writes them to its results file.
 * Nothing here is timed: the figures belong to the benchmark runs, not to tests.
 */
class ChannelBenchmarkCommandsTest {
    @Test
    void theJmhBenchmarkOffersEveryScenario() throws NoSuchFieldException {
        Param param = ChannelBenchmarks.class.getField("scenario").getAnnotation(Param.class);
        assertArrayEquals(Scenario.NAMES, param.value(), "ChannelBenchmarks' @Param list must match Scenario.NAMES");
    }

    @Test
    void everyScenarioRunsBatchesAndCloses() {
        for (String name : Scenario.NAMES) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                Scenario world = Scenario.open(name);
                try {
                    world.run(1_000);
                    world.run(1);           // a second, tiny batch reuses the same world
                } finally {
                    world.close();
                }
            }, name);
        }
    }

    @Test
    void anUnknownScenarioIsRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Scenario.open("fibers-3-schedulers"));
        assertTrue(e.getMessage().contains("fibers-3-schedulers"), e.getMessage());
    }

    @Test
    void interleavedChannelsRejectsAnUnknownScenarioByName() {
        AssertionError e = assertThrows(AssertionError.class, () -> CommandRun.run(List.of(),
                List.of(InterleavedChannels.class.getName(), "1", "loom-floor", "fibers-3-schedulers"), 120));
        assertTrue(e.getMessage().contains("unknown scenario fibers-3-schedulers"), e.getMessage());
    }

    @Test
    void interleavedChannelsPrintsAndWritesEveryScenarioTheThreeTargetsAndTheSplit(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("channels.json");
        String out = CommandRun.run(List.of("-Dchannels.batch=20000", "-Dfibers.report.json=" + file),
                List.of(InterleavedChannels.class.getName(), "2"), 300);
        ReportJson json = ReportJson.read(file, "channels", 2);
        assertEquals("fibers-1-scheduler", json.param("ours"));
        for (String name : Scenario.NAMES) {
            Matcher row = Pattern.compile("(?m)^" + Pattern.quote(name) + " +([0-9.]+) +([0-9.]+) +([0-9.]+)").matcher(out);
            assertTrue(row.find(), "no row for " + name + " in:\n" + out);
            assertTrue(Double.parseDouble(row.group(3)) > 0, "a median of zero ns for " + name + ":\n" + out);
            json.series(name, "ns_per_op");
            if (!name.equals("loom-floor")) {
                json.ratio(name, "loom-floor", "ns_per_op");
            }
            if (!name.equals("syncqueue-default-vt")) {
                json.ratio(name, "syncqueue-default-vt", "ns_per_op");
            }
        }
        json.ratio("fibers-1-scheduler", "kotlin-1-thread", "ns_per_op");
        json.ratio("fibers-2-schedulers", "kotlin-default", "ns_per_op");
        json.ratio("fibers-choice-4", "kotlin-select-4", "ns_per_op");
        json.ratio("fibers-buffered-16", "kotlin-buffered-16", "ns_per_op");
        json.ratio("fibers-buffered-16", "abq-16-default-vt", "ns_per_op");
        Matcher target = Pattern.compile("(?m)^target .*  (MET|MISSED)").matcher(out);
        int targets = 0;
        while (target.find()) {
            targets++;
        }
        assertEquals(3, targets, "the three channel targets, each MET or MISSED, in:\n" + out);
        assertEquals(1.25, json.target("fibers-1-scheduler <= 1.25 x floor").path("bound").asDouble());
        json.target("fibers-2-schedulers <= 1.00 x syncqueue");
        assertTrue(json.target("fibers-choice-4 <= 350 ns").path("baseline").isNull(), "an absolute target");
        assertEquals(3, json.targetTexts().size(), json.targetTexts()::toString);
        assertTrue(json.skipped().isEmpty(), json.skipped()::toString);
        Matcher split = Pattern.compile("(?m)^  of which: our scheduler ([0-9.]+) x floor .*our channel ([0-9.]+) x floor")
                .matcher(out);
        assertTrue(split.find(), "the split of the one-scheduler ratio, in:\n" + out);
        assertTrue(Double.parseDouble(split.group(1)) > 0 && Double.parseDouble(split.group(2)) > 0, split.group());
    }
}
