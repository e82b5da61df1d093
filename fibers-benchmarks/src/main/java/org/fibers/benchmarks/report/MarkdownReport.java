package org.fibers.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The report's tables in Markdown, made from {@code report.json} alone, so that the page and the
 * README's copy of it can always be made again from the committed file and checked against it.
 *
 * <p>Each area gets one table: a row per scenario with the median of each metric (and the spread
 * over rounds), then, for each peer, our scenario's median per-round ratio to it; below it, the
 * other ratios the comparison reports, the targets it answers with met or missed, and what was
 * skipped.
 */
final class MarkdownReport {
    private MarkdownReport() {
    }

    /**
     * The whole page, {@code report.md}.
     *
     * @param report the merged report ({@code fibers-bench-report/1})
     * @return Markdown
     */
    static String page(JsonNode report) {
        StringBuilder md = new StringBuilder();
        md.append("# Fibers for Java against its peers\n\n");
        md.append(provenance(report)).append("\n\n");
        md.append(summary(report)).append('\n');
        for (JsonNode chart : report.path("charts")) {
            md.append("![").append(chart.path("title").asText()).append("](")
                    .append(chart.path("file").asText()).append(")\n\n");
        }
        md.append(tables(report, 2, true));
        return md.toString();
    }

    /**
     * Where and when the figures come from: one line.
     *
     * @param report the merged report
     * @return e.g. "full run of 2026-12-06 23:10 UTC, commit abc1234, on 2 x Intel Xeon ..., Java 25.0.3"
     */
    static String provenance(JsonNode report) {
        JsonNode m = report.path("machine");
        String when = report.path("startedAt").asText();
        String day = when.length() >= 16 ? when.substring(0, 10) + " " + when.substring(11, 16) + " UTC" : when;
        return String.format(Locale.ROOT, "%s run of %s, commit `%s`%s, on %d cores of %s, %s, Java %s (%s).",
                capitalized(report.path("mode").asText()), day, report.path("commit").asText(),
                report.path("dirty").asBoolean() ? " (with uncommitted changes)" : "",
                m.path("cpus").asInt(), m.path("cpuModel").asText(), m.path("os").asText(),
                m.path("java").asText(), m.path("vm").asText());
    }

    /**
     * The targets met and missed, and the steps that did not run, as a list.
     *
     * @param report the merged report
     * @return Markdown
     */
    static String summary(JsonNode report) {
        int met = 0;
        List<String> missed = new ArrayList<>();
        for (JsonNode area : report.path("areas")) {
            for (JsonNode t : area.path("targets")) {
                if (t.path("met").asBoolean()) {
                    met++;
                } else {
                    missed.add(area.path("area").asText() + ": " + t.path("text").asText() + " (measured "
                            + number(t.path("measured")) + ")");
                }
            }
        }
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "**Targets: %d met, %d missed.**", met, missed.size()));
        md.append(missed.isEmpty() ? "\n" : " Missed:\n");
        for (String m : missed) {
            md.append("- ").append(m).append('\n');
        }
        for (JsonNode f : report.path("failed")) {
            md.append("- did not run: ").append(f.path("area").asText()).append(" — ")
                    .append(f.path("reason").asText()).append('\n');
        }
        return md.toString();
    }

    /**
     * A section per area.
     *
     * @param report the merged report
     * @param level  the heading level of each area's title
     * @param peerRatios whether ratios between two peers (neither of them ours, e.g. Netty to the
     *               JDK server) are listed too; the page lists them, the README only ours
     * @return Markdown
     */
    static String tables(JsonNode report, int level, boolean peerRatios) {
        StringBuilder md = new StringBuilder();
        for (JsonNode area : report.path("areas")) {
            md.append(area(area, level, peerRatios)).append('\n');
        }
        return md.toString();
    }

    /** One area's table and lists. */
    static String area(JsonNode area, int level, boolean peerRatios) {
        StringBuilder md = new StringBuilder();
        String ours = area.path("params").path("ours").asText("");
        md.append("#".repeat(level)).append(' ').append(area.path("title").asText(area.path("area").asText()))
                .append("\n\n");
        md.append("`").append(area.path("command").asText()).append("`").append(paramsText(area)).append("\n\n");

        Map<String, JsonNode> metricInfo = new LinkedHashMap<>();
        Set<String> scenarios = new LinkedHashSet<>();
        Map<String, JsonNode> cell = new LinkedHashMap<>();
        for (JsonNode s : area.path("series")) {
            metricInfo.putIfAbsent(s.path("metric").asText(), s);
            scenarios.add(s.path("scenario").asText());
            cell.put(s.path("scenario").asText() + "\u0000" + s.path("metric").asText(), s);
        }
        Map<String, JsonNode> ourRatio = new LinkedHashMap<>();
        Set<String> ratioMetrics = new LinkedHashSet<>();
        List<JsonNode> otherRatios = new ArrayList<>();
        for (JsonNode r : area.path("ratios")) {
            if (r.path("scenario").asText().equals(ours)) {
                ratioMetrics.add(r.path("metric").asText());
                ourRatio.put(r.path("baseline").asText() + "\u0000" + r.path("metric").asText(), r);
                scenarios.add(r.path("baseline").asText());
            } else if (peerRatios || isOurs(r.path("scenario").asText(), ours)) {
                otherRatios.add(r);
            }
        }
        if (!scenarios.isEmpty()) {
            List<String> head = new ArrayList<>(List.of("scenario"));
            metricInfo.values().forEach(s -> head.add(header(s)));
            ratioMetrics.forEach(m -> head.add("ours ÷ it, " + m));
            md.append(row(head)).append(row(head.stream().map(h -> "---").toList()));
            for (String sc : scenarios) {
                List<String> cells = new ArrayList<>();
                cells.add(sc.equals(ours) ? "**" + sc + "** (ours)" : sc);
                for (String metric : metricInfo.keySet()) {
                    JsonNode s = cell.get(sc + "\u0000" + metric);
                    cells.add(s == null ? "" : valueWithSpread(s));
                }
                for (String metric : ratioMetrics) {
                    JsonNode r = ourRatio.get(sc + "\u0000" + metric);
                    cells.add(r == null ? "" : number(r.path("median")) + "x");
                }
                md.append(row(cells));
            }
            md.append('\n');
        }
        if (!otherRatios.isEmpty()) {
            md.append(row(List.of("ratio", "metric", "median of per-round ratios")))
                    .append(row(List.of("---", "---", "---")));
            for (JsonNode r : otherRatios) {
                md.append(row(List.of(r.path("scenario").asText() + " ÷ " + r.path("baseline").asText(),
                        r.path("metric").asText(), number(r.path("median")) + "x")));
            }
            md.append('\n');
        }
        for (JsonNode t : area.path("targets")) {
            md.append("- ").append(t.path("met").asBoolean() ? "met" : "**missed**").append(": ")
                    .append(t.path("text").asText()).append(" — measured ").append(number(t.path("measured")))
                    .append('\n');
        }
        for (JsonNode s : area.path("skipped")) {
            md.append("- skipped: ").append(s.path("scenario").asText()).append(" — ")
                    .append(s.path("reason").asText()).append('\n');
        }
        return md.toString();
    }

    /** Our variants share our scenario's first word: fibers_p2 and fibers-choice-4 beside fibers_p1. */
    private static boolean isOurs(String scenario, String ours) {
        String family = ours.split("[-_]", 2)[0];
        return !family.isEmpty() && scenario.split("[-_]", 2)[0].equals(family);
    }

    private static String paramsText(JsonNode area) {
        List<String> parts = new ArrayList<>();
        area.path("params").fields().forEachRemaining(e -> {
            if (!e.getKey().equals("ours")) {
                parts.add(e.getKey() + " " + e.getValue().asText());
            }
        });
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    private static String header(JsonNode s) {
        String unit = s.path("unit").asText("");
        return s.path("metric").asText() + (unit.isEmpty() ? "" : " (" + unit + ")")
                + (s.path("better").asText().equals("higher") ? " ↑" : " ↓");
    }

    private static String valueWithSpread(JsonNode s) {
        String median = number(s.path("median"));
        if (s.path("perRound").size() < 2 || number(s.path("min")).equals(number(s.path("max")))) {
            return median;
        }
        return median + " (" + number(s.path("min")) + "–" + number(s.path("max")) + ")";
    }

    private static String row(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    /**
     * A number as the tables print it: three significant digits, thousands grouped.
     *
     * @param n a JSON number, or null/missing
     * @return its text, or "n/a"
     */
    static String number(JsonNode n) {
        if (n == null || !n.isNumber()) {
            return "n/a";
        }
        double v = n.asDouble();
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return a == 0 ? "0" : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
