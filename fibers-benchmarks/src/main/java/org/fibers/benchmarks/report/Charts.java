package org.fibers.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's charts, drawn by JFreeChart into PNG files from the merged results:
 * <ul>
 * <li>per area measured over two rounds or more, its main metric (throughput where it has one)
 *     for each scenario as a box over the rounds (median, quartiles, whiskers), so the spread
 *     between rounds shows beside the level;</li>
 * <li>latency percentiles (p50, p90, p99) per scenario where the area measured them (ping,
 *     memcached, web);</li>
 * <li>memory per connection against the number of connections (footprint): the resident bytes
 *     per connection each server was measured at ({@code rss_bytes_per_conn} points), or, where
 *     only totals were recorded ({@code rss_bytes}), the memory above the smallest count divided
 *     by the connections added.</li>
 * </ul>
 */
final class Charts {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;

    /** A chart written: its file name in the report's directory and its title. */
    record Chart(String file, String title) {
    }

    private Charts() {
    }

    /**
     * Draws every chart the areas have data for.
     *
     * @param areas the raw results of each area
     * @param dir   the report's directory
     * @return the charts written, in order
     * @throws IOException if a file cannot be written
     */
    static List<Chart> draw(List<JsonNode> areas, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Chart> out = new ArrayList<>();
        for (JsonNode area : areas) {
            String name = area.path("area").asText();
            JsonNode main = mainMetric(area);
            if (main != null) {
                out.add(spread(area, main, dir.resolve(name + "-" + main.path("metric").asText() + ".png")));
            }
            if (hasLatency(area)) {
                out.add(latency(area, dir.resolve(name + "-latency.png")));
            }
            if (area.path("points").size() > 0) {
                Chart c = perConnection(area, dir.resolve(name + "-bytes-per-connection.png"));
                if (c != null) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    /** Throughput where the area has one, otherwise its first metric. */
    static JsonNode mainMetric(JsonNode area) {
        JsonNode first = null;
        for (JsonNode s : area.path("series")) {
            if (s.path("perRound").size() < 2) {
                continue; // one round has no spread to show
            }
            if (first == null) {
                first = s;
            }
            if (s.path("metric").asText().endsWith("_per_s")) {
                return s;
            }
        }
        return first;
    }

    private static boolean hasLatency(JsonNode area) {
        for (JsonNode s : area.path("series")) {
            if (s.path("metric").asText().equals("p99_ms") && s.path("median").isNumber()) {
                return true;
            }
        }
        return false;
    }

    private static Chart spread(JsonNode area, JsonNode main, Path file) throws IOException {
        String metric = main.path("metric").asText();
        DefaultBoxAndWhiskerCategoryDataset data = new DefaultBoxAndWhiskerCategoryDataset();
        for (JsonNode s : area.path("series")) {
            if (!s.path("metric").asText().equals(metric)) {
                continue;
            }
            List<Double> values = new ArrayList<>();
            s.path("perRound").forEach(v -> {
                if (v.isNumber()) {
                    values.add(v.asDouble());
                }
            });
            if (!values.isEmpty()) {
                data.add(values, metric, s.path("scenario").asText());
            }
        }
        String title = area.path("area").asText() + ": " + metric + " (" + main.path("unit").asText()
                + ", " + (main.path("better").asText().equals("higher") ? "higher" : "lower") + " is better), spread over rounds";
        JFreeChart chart = ChartFactory.createBoxAndWhiskerChart(title, "", main.path("unit").asText(), data, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        BoxAndWhiskerRenderer r = (BoxAndWhiskerRenderer) plot.getRenderer();
        r.setMeanVisible(false);
        r.setSeriesPaint(0, new Color(0x4C78A8));
        r.setMaximumBarWidth(0.08);
        style(chart);
        int height = Math.max(HEIGHT, 60 + 32 * data.getColumnCount());
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, height);
        return new Chart(file.getFileName().toString(), title);
    }

    private static Chart latency(JsonNode area, Path file) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (String p : List.of("p50_ms", "p90_ms", "p99_ms")) {
            for (JsonNode s : area.path("series")) {
                if (s.path("metric").asText().equals(p) && s.path("median").isNumber()) {
                    data.addValue(s.path("median").asDouble(), s.path("scenario").asText(), p.replace("_ms", ""));
                }
            }
        }
        String title = area.path("area").asText() + ": latency percentiles (ms, median over rounds; lower is better)";
        JFreeChart chart = ChartFactory.createBarChart(title, "percentile", "ms", data);
        style(chart);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        return new Chart(file.getFileName().toString(), title);
    }

    /** Null when no server has two counts of rss_bytes to compare. */
    private static Chart perConnection(JsonNode area, Path file) throws IOException {
        Map<String, TreeMap<Double, Double>> perConn = curves(area, "rss_bytes_per_conn");
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, TreeMap<Double, Double>> e : perConn.entrySet()) {
            XYSeries s = new XYSeries(e.getKey());
            e.getValue().forEach((x, y) -> s.add(x.doubleValue(), y.doubleValue()));
            data.addSeries(s);
        }
        for (Map.Entry<String, TreeMap<Double, Double>> e : curves(area, "rss_bytes").entrySet()) {
            if (perConn.containsKey(e.getKey())) {
                continue; // the comparison measured per connection itself, against its idle baseline
            }
            TreeMap<Double, Double> curve = e.getValue();
            if (curve.size() < 2) {
                continue;
            }
            double x0 = curve.firstKey();
            double y0 = curve.firstEntry().getValue();
            XYSeries s = new XYSeries(e.getKey());
            curve.tailMap(x0, false).forEach((x, y) -> s.add(x.doubleValue(), (y - y0) / (x - x0)));
            data.addSeries(s);
        }
        if (data.getSeriesCount() == 0) {
            return null;
        }
        String title = String.format(Locale.ROOT, "%s: resident bytes per idle connection against connections "
                + "(lower is better)", area.path("area").asText());
        JFreeChart chart = ChartFactory.createXYLineChart(title, "connections", "bytes per connection", data);
        chart.getXYPlot().getRenderer().setDefaultStroke(new java.awt.BasicStroke(2f));
        org.jfree.chart.renderer.xy.XYLineAndShapeRenderer r = new org.jfree.chart.renderer.xy.XYLineAndShapeRenderer(true, true);
        chart.getXYPlot().setRenderer(r);
        ((org.jfree.chart.axis.NumberAxis) chart.getXYPlot().getDomainAxis())
                .setStandardTickUnits(org.jfree.chart.axis.NumberAxis.createIntegerTickUnits());
        style(chart);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        return new Chart(file.getFileName().toString(), title);
    }

    /** Each scenario's points of one named curve, by abscissa. */
    private static Map<String, TreeMap<Double, Double>> curves(JsonNode area, String name) {
        Map<String, TreeMap<Double, Double>> out = new LinkedHashMap<>();
        for (JsonNode p : area.path("points")) {
            if (p.path("series").asText().equals(name) && p.path("x").isNumber() && p.path("y").isNumber()) {
                out.computeIfAbsent(p.path("scenario").asText(), k -> new TreeMap<>())
                        .put(p.path("x").asDouble(), p.path("y").asDouble());
            }
        }
        return out;
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(chart.getTitle().getFont().deriveFont(14f));
        chart.getPlot().setBackgroundPaint(new Color(0xF7F7F7));
    }
}
