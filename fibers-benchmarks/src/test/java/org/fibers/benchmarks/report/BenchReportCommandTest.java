package org.fibers.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.fibers.benchmarks.core.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report command works as a user runs it, at tiny sizes ({@code --smoke}): every comparison
 * runs in its own JVM and writes its results, and the report has a table per area, a JSON file
 * that parses with every area in it, and charts that are valid images. The figures of so short
 * a run mean nothing and are not checked beyond being there.
 */
class BenchReportCommandTest {
    @Test
    @Timeout(900)
    void smokeRunWritesTablesJsonAndCharts(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench-report");
        String printed = CommandRun.run(List.of(), List.of(BenchReport.class.getName(), "--smoke", "--no-install",
                "--out", out.toString(), "--root", dir.toString()), 840);
        for (int i = 1; i <= Step.ALL.size(); i++) {
            assertTrue(printed.contains("[" + i + "/" + Step.ALL.size() + "] "), "no progress line " + i + ":\n" + printed);
        }
        assertTrue(printed.contains("**Targets: "), "no summary:\n" + printed);

        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertEquals(BenchReport.SCHEMA, report.path("schema").asText());
        assertEquals("smoke", report.path("mode").asText());
        assertEquals(0, report.path("failed").size(), () -> "failed steps: " + report.path("failed"));
        List<String> areas = new ArrayList<>();
        report.path("areas").forEach(a -> {
            areas.add(a.path("area").asText());
            assertEquals(Results.SCHEMA, a.path("schema").asText());
        });
        assertEquals(Step.ALL.stream().map(Step::area).toList(), areas);

        String md = Files.readString(out.resolve("report.md"));
        for (JsonNode a : report.path("areas")) {
            assertTrue(md.contains("## " + a.path("title").asText()), "no section for " + a.path("area") + ":\n" + md);
        }
        assertTrue(md.contains("| **"), "no row for our scenario in:\n" + md);
        assertTrue(report.path("charts").size() >= 1, "no charts: " + report);
        for (JsonNode c : report.path("charts")) {
            BufferedImage img = ImageIO.read(out.resolve(c.path("file").asText()).toFile());
            assertNotNull(img, c + " is no image");
            assertTrue(img.getWidth() > 0 && img.getHeight() > 0);
        }
        assertTrue(Files.isRegularFile(out.resolve("raw/ping.json")));
        assertTrue(Files.size(out.resolve("logs/ping.log")) > 0);
    }
}
