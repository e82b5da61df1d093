package org.fibers.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The README's figures are the committed report's: the text between its bench-report markers is
 * exactly what {@code BenchReport --render-only --update-readme} makes from
 * {@code bench-report/report.json}, that report is a full run, and the chart it shows is there
 * and is an image. A hand edit of a figure, or a report committed without updating the README,
 * fails here.
 */
class ReadmeMatchesReportTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void readmeSectionIsMadeFromTheCommittedReport() throws Exception {
        JsonNode report = new ObjectMapper().readTree(ROOT.resolve("bench-report/report.json").toFile());
        assertEquals(BenchReport.SCHEMA, report.path("schema").asText());
        assertEquals("full", report.path("mode").asText(), "the README shows a full run");
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        String section = ReadmeSection.current(readme);
        assertNotNull(section, "README.md has no bench-report markers");
        assertEquals(ReadmeSection.render(report, "bench-report"), section,
                "README.md's report section differs from bench-report/report.json: run BenchReport --render-only --update-readme");
        Matcher chart = Pattern.compile("!\\[[^]]*]\\((bench-report/[^)]+\\.png)\\)").matcher(section);
        assertTrue(chart.find(), "the README's report section shows no chart");
        assertNotNull(ImageIO.read(ROOT.resolve(chart.group(1)).toFile()), chart.group(1) + " is no image");
        assertTrue(Files.isRegularFile(ROOT.resolve("bench-report/report.md")));
    }
}
