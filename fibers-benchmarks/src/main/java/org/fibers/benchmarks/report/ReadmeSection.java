package org.fibers.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The README's copy of the latest report: everything between the markers {@value #BEGIN} and
 * {@value #END}, made only from {@code report.json}, so that a test can make it again from the
 * committed file and find the README unchanged — the README's figures are that run's.
 */
final class ReadmeSection {
    static final String BEGIN = "<!-- bench-report:begin -->";
    static final String END = "<!-- bench-report:end -->";

    private ReadmeSection() {
    }

    /**
     * The text between the markers.
     *
     * @param report    the merged report
     * @param reportDir the report's directory as a link from the README ({@code bench-report})
     * @return Markdown, starting and ending with a newline
     */
    static String render(JsonNode report, String reportDir) {
        StringBuilder md = new StringBuilder("\n");
        md.append("_Made by `BenchReport ").append(report.path("mode").asText().equals("full") ? "--full" : "--" + report.path("mode").asText())
                .append(" --update-readme` from [`").append(reportDir).append("/report.json`](").append(reportDir)
                .append("/report.json); the whole page with every chart is [`").append(reportDir)
                .append("/report.md`](").append(reportDir).append("/report.md)._ ")
                .append(MarkdownReport.provenance(report)).append("\n\n");
        md.append(MarkdownReport.summary(report)).append('\n');
        JsonNode chart = pickChart(report);
        if (chart != null) {
            md.append("![").append(chart.path("title").asText()).append("](").append(reportDir).append('/')
                    .append(chart.path("file").asText()).append(")\n\n");
        }
        md.append(MarkdownReport.tables(report, 4, false));
        return md.toString();
    }

    /** The web throughput chart if there is one (the comparison most users come for), else the first. */
    private static JsonNode pickChart(JsonNode report) {
        JsonNode first = null;
        for (JsonNode c : report.path("charts")) {
            if (first == null) {
                first = c;
            }
            if (c.path("file").asText().startsWith("web-") && c.path("file").asText().contains("_per_s")) {
                return c;
            }
        }
        return first;
    }

    /**
     * The text between the markers in a README as it is.
     *
     * @param readme the README's text
     * @return that text, or null when the markers are missing
     */
    static String current(String readme) {
        int b = readme.indexOf(BEGIN);
        int e = readme.indexOf(END);
        if (b < 0 || e < b) {
            return null;
        }
        return readme.substring(b + BEGIN.length(), e);
    }

    /**
     * Puts the report between the README's markers.
     *
     * @param readme    the README file
     * @param report    the merged report
     * @param reportDir the report's directory as a link from the README
     * @throws IOException if the README cannot be read or written, or has no markers
     */
    static void update(Path readme, JsonNode report, String reportDir) throws IOException {
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        if (current(text) == null) {
            throw new IOException(readme + " has no " + BEGIN + " ... " + END + " markers to put the report between");
        }
        int b = text.indexOf(BEGIN) + BEGIN.length();
        int e = text.indexOf(END);
        Files.writeString(readme, text.substring(0, b) + render(report, reportDir) + text.substring(e), StandardCharsets.UTF_8);
    }
}
