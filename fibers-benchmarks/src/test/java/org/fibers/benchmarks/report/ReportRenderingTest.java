package org.fibers.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page, the charts and the README section made from results, without measuring anything. */
class ReportRenderingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode area(Path dir, String name, java.util.function.Consumer<Results> fill) throws IOException {
        Path file = dir.resolve(name + ".json");
        System.setProperty(Results.FILE_PROPERTY, file.toString());
        try {
            Results r = Results.forArea(name, name + " title", name + " --rounds 3");
            fill.accept(r);
            r.write();
        } finally {
            System.clearProperty(Results.FILE_PROPERTY);
        }
        return JSON.readTree(file.toFile());
    }

    private static ObjectNode sample(Path dir) throws IOException {
        ObjectNode report = JSON.createObjectNode();
        report.put("schema", BenchReport.SCHEMA).put("mode", "quick").put("startedAt", "2026-12-06T23:10:00Z")
                .put("commit", "abc1234567").put("dirty", false);
        report.set("machine", JSON.valueToTree(Machine.describe()));
        report.putArray("failed").addObject().put("area", "channels").put("reason", "stopped after its 120 s limit");
        var areas = report.putArray("areas");
        areas.add(area(dir, "web", r -> {
            r.param("ours", "fibers").param("rounds", 3);
            r.series("fibers", "req_per_s", "req/s", Results.Better.HIGHER, new double[] {100_000, 110_000, 90_000});
            r.series("netty", "req_per_s", "req/s", Results.Better.HIGHER, new double[] {100_000, 100_000, 100_000});
            for (String p : new String[] {"p50_ms", "p90_ms", "p99_ms"}) {
                r.series("fibers", p, "ms", Results.Better.LOWER, new double[] {0.4, 0.5, 0.6});
                r.series("netty", p, "ms", Results.Better.LOWER, new double[] {0.5, 0.5, 0.5});
            }
            r.ratio("fibers", "netty", "req_per_s", new double[] {1.0, 1.1, 0.9});
            r.ratio("fibers-provider", "jdk", "req_per_s", new double[] {1.3, 1.3, 1.3});
            r.target("fibers req/s >= 0.9x netty's", "fibers", "netty", "req_per_s", true, 0.9, 1.0);
            r.target("fibers req/s >= 1.1x helidon's", "fibers", "helidon", "req_per_s", true, 1.1, 1.02);
            r.skipped("helidon", "failed to start");
        }));
        areas.add(area(dir, "footprint", r -> {
            r.param("ours", "fibers");
            for (String s : new String[] {"fibers", "netty"}) {
                for (int c : new int[] {1000, 5000, 19000}) {
                    r.point(s, "rss_bytes", c, 50e6 + c * (s.equals("fibers") ? 1200.0 : 1400.0));
                }
            }
            r.series("fibers", "bytes_per_conn", "B", Results.Better.LOWER, new double[] {1200});
        }));
        return report;
    }

    @Test
    void pageHasATablePerAreaRatiosTargetsAndValidCharts(@TempDir Path dir) throws IOException {
        ObjectNode report = sample(dir);
        BenchReport.write(report, dir);
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("| **fibers** (ours) | 100,000 (90,000–110,000) |"), md);
        assertTrue(md.contains("| netty | 100,000 |"), md);
        assertTrue(md.contains("1.00x"), md);
        assertTrue(md.contains("| fibers-provider ÷ jdk | req_per_s | 1.30x |"), md);
        assertTrue(md.contains("**missed**: fibers req/s >= 1.1x helidon's — measured 1.02"), md);
        assertTrue(md.contains("**Targets: 1 met, 1 missed.**"), md);
        assertTrue(md.contains("did not run: channels"), md);
        assertTrue(md.contains("skipped: helidon — failed to start"), md);
        assertTrue(md.contains("commit `abc1234567`"), md);

        JsonNode written = JSON.readTree(dir.resolve("report.json").toFile());
        assertEquals(BenchReport.SCHEMA, written.path("schema").asText());
        Set<String> files = new TreeSet<>();
        written.path("charts").forEach(c -> files.add(c.path("file").asText()));
        assertEquals(Set.of("web-req_per_s.png", "web-latency.png", "footprint-bytes-per-connection.png"), files);
        for (String f : files) {
            BufferedImage img = ImageIO.read(dir.resolve(f).toFile());
            assertNotNull(img, f + " is no image");
            assertTrue(img.getWidth() >= 800 && img.getHeight() >= 400, f);
        }
    }

    @Test
    void readmeSectionIsReplacedBetweenItsMarkersOnly(@TempDir Path dir) throws IOException {
        ObjectNode report = sample(dir);
        BenchReport.write(report, dir);
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "# T\n\nbefore\n" + ReadmeSection.BEGIN + "\nold figures\n" + ReadmeSection.END + "\nafter\n");
        ReadmeSection.update(readme, report, "bench-report");
        String text = Files.readString(readme);
        assertTrue(text.startsWith("# T\n\nbefore\n" + ReadmeSection.BEGIN + "\n"), text);
        assertTrue(text.endsWith(ReadmeSection.END + "\nafter\n"), text);
        String section = ReadmeSection.current(text);
        assertEquals(ReadmeSection.render(report, "bench-report"), section);
        assertTrue(section.contains("![web: req_per_s"), section);
        assertTrue(section.contains("](bench-report/web-req_per_s.png)"), section);
        assertTrue(!section.contains("old figures"));

        Files.writeString(readme, "no markers\n");
        assertThrows(IOException.class, () -> ReadmeSection.update(readme, report, "bench-report"));
    }
}
