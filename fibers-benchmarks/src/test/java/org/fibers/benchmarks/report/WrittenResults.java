package org.fibers.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON file a comparison wrote through {@link Results}, read back for a command test: it
 * must parse, carry the schema and the area, and answer questions about its series, ratios,
 * targets, points and skipped scenarios.
 *
 * @param root the parsed file
 */
public record WrittenResults(JsonNode root) {
    /**
     * Reads and checks the file's schema and area.
     *
     * @param file the file the command was told to write
     * @param area the area it must name
     * @return the parsed results
     * @throws IOException if it cannot be read or does not parse
     */
    public static WrittenResults read(Path file, String area) throws IOException {
        assertTrue(Files.isRegularFile(file), "no results file " + file);
        JsonNode root = new ObjectMapper().readTree(Files.readString(file));
        assertEquals(Results.SCHEMA, root.path("schema").asText(), "schema of " + file);
        assertEquals(area, root.path("area").asText(), "area of " + file);
        for (String list : new String[] {"series", "ratios", "targets", "points", "skipped"}) {
            assertTrue(root.path(list).isArray(), "no " + list + " list in " + file);
        }
        return new WrittenResults(root);
    }

    /**
     * A run parameter.
     *
     * @param key its name
     * @return its value as text, empty if absent
     */
    public Optional<String> param(String key) {
        JsonNode v = root.path("params").get(key);
        return v == null ? Optional.empty() : Optional.of(v.asText());
    }

    /**
     * One scenario's series of one metric.
     *
     * @param scenario the scenario
     * @param metric   the metric
     * @return the series, empty if not recorded
     */
    public Optional<JsonNode> series(String scenario, String metric) {
        for (JsonNode s : root.get("series")) {
            if (s.path("scenario").asText().equals(scenario) && s.path("metric").asText().equals(metric)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * Asserts that a series is there with {@code rounds} values per round, all finite, and
     * returns its median.
     *
     * @param scenario the scenario
     * @param metric   the metric
     * @param rounds   how many values it must have
     * @return its median
     */
    public double assertSeries(String scenario, String metric, int rounds) {
        JsonNode s = series(scenario, metric).orElseThrow(() ->
                new AssertionError("no series " + scenario + " " + metric + " in " + root.get("series")));
        assertEquals(rounds, s.path("perRound").size(), "rounds of " + s);
        for (JsonNode v : s.path("perRound")) {
            assertTrue(v.isNumber(), "a value that is not a number in " + s);
        }
        return s.path("median").asDouble();
    }

    /**
     * The ratio of one scenario's metric to a baseline's.
     *
     * @param scenario the scenario
     * @param baseline the baseline
     * @param metric   the metric
     * @return the ratio entry, empty if not recorded
     */
    public Optional<JsonNode> ratio(String scenario, String baseline, String metric) {
        for (JsonNode r : root.get("ratios")) {
            if (r.path("scenario").asText().equals(scenario) && r.path("baseline").asText().equals(baseline)
                    && r.path("metric").asText().equals(metric)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * A target by its printed text.
     *
     * @param text the text
     * @return the target entry, empty if not recorded
     */
    public Optional<JsonNode> target(String text) {
        for (JsonNode t : root.get("targets")) {
            if (t.path("text").asText().equals(text)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * Asserts that a target is recorded with a measured value, and returns it.
     *
     * @param text the target's text
     * @return the entry
     */
    public JsonNode assertMeasuredTarget(String text) {
        JsonNode t = target(text).orElseThrow(() -> new AssertionError("no target '" + text + "' in " + root.get("targets")));
        assertTrue(t.path("measured").isNumber(), "target not measured: " + t);
        return t;
    }

    /** @return the scenarios that have at least one series */
    public Set<String> scenarios() {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode s : root.get("series")) {
            out.add(s.path("scenario").asText());
        }
        return out;
    }

    /** @return the scenarios recorded as skipped */
    public Set<String> skipped() {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode s : root.get("skipped")) {
            out.add(s.path("scenario").asText());
        }
        return out;
    }

    /**
     * The points of one curve of one scenario.
     *
     * @param scenario the scenario
     * @param series   the curve's name
     * @return how many points it has
     */
    public int pointCount(String scenario, String series) {
        int n = 0;
        for (JsonNode p : root.get("points")) {
            if (p.path("scenario").asText().equals(scenario) && p.path("series").asText().equals(series)) {
                n++;
            }
        }
        return n;
    }
}
