package org.fibers.benchmarks.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fibers.benchmarks.report.Results;

/**
 * A comparison's results file, parsed, with the checks every command test makes of it: the
 * schema and area, a series per scenario and metric with a value per round, the ratios, the
 * targets with a verdict.
 */
public final class ReportJson {
    private final JsonNode root;

    private ReportJson(JsonNode root) {
        this.root = root;
    }

    /**
     * Parses the file a command wrote and checks its schema, area and round count.
     *
     * @param file   what {@code -Dfibers.report.json} named
     * @param area   the area it must name
     * @param rounds how many values each series must hold
     * @return the parsed file
     * @throws IOException if it cannot be read
     */
    public static ReportJson read(Path file, String area, int rounds) throws IOException {
        ReportJson json = readAny(file, area);
        assertTrue(json.root.path("series").size() > 0, "no series in " + json.root);
        for (JsonNode s : json.root.path("series")) {
            assertEquals(rounds, s.path("perRound").size(), () -> "values per round in " + s);
        }
        return json;
    }

    /**
     * Parses the file a command wrote and checks its schema and area only, as for a run that
     * measured nothing.
     *
     * @param file what {@code -Dfibers.report.json} named
     * @param area the area it must name
     * @return the parsed file
     * @throws IOException if it cannot be read
     */
    public static ReportJson readAny(Path file, String area) throws IOException {
        assertTrue(Files.isRegularFile(file), "no results file " + file);
        JsonNode root = new ObjectMapper().readTree(Files.readString(file));
        assertEquals(Results.SCHEMA, root.path("schema").asText(), "schema");
        assertEquals(area, root.path("area").asText(), "area");
        assertFalse(root.path("command").asText().isBlank(), "command");
        return new ReportJson(root);
    }

    /** @return the whole document */
    public JsonNode root() {
        return root;
    }

    /**
     * Checks that a scenario has a series of a metric, every value a number, none negative.
     *
     * @param scenario the scenario
     * @param metric   the metric
     * @return the series
     */
    public JsonNode series(String scenario, String metric) {
        for (JsonNode s : root.path("series")) {
            if (s.path("scenario").asText().equals(scenario) && s.path("metric").asText().equals(metric)) {
                for (JsonNode v : s.path("perRound")) {
                    assertTrue(v.isNumber() && v.asDouble() >= 0, () -> "a value that is not a number >= 0 in " + s);
                }
                return s;
            }
        }
        throw new AssertionError("no series " + scenario + " " + metric + " in " + root.path("series"));
    }

    /**
     * Checks that a ratio of scenario to baseline on a metric was recorded, its median a positive number.
     *
     * @param scenario the scenario
     * @param baseline the baseline
     * @param metric   the metric
     * @return the ratio
     */
    public JsonNode ratio(String scenario, String baseline, String metric) {
        for (JsonNode r : root.path("ratios")) {
            if (r.path("scenario").asText().equals(scenario) && r.path("baseline").asText().equals(baseline)
                    && r.path("metric").asText().equals(metric)) {
                assertTrue(r.path("median").asDouble() > 0, () -> "ratio median in " + r);
                return r;
            }
        }
        throw new AssertionError("no ratio " + scenario + " / " + baseline + " " + metric + " in " + root.path("ratios"));
    }

    /**
     * Checks that a target whose text contains {@code textPart} was recorded with a measured
     * value and a verdict.
     *
     * @param textPart a part of its text
     * @return the target
     */
    public JsonNode target(String textPart) {
        for (JsonNode t : root.path("targets")) {
            if (t.path("text").asText().contains(textPart)) {
                assertTrue(t.path("measured").isNumber(), () -> "target not measured: " + t);
                assertTrue(t.path("met").isBoolean(), () -> "no verdict: " + t);
                assertNotNull(t.path("bound").numberValue(), () -> "no bound: " + t);
                return t;
            }
        }
        throw new AssertionError("no target containing '" + textPart + "' in " + root.path("targets"));
    }

    /** @return the texts of all targets, in order */
    public List<String> targetTexts() {
        List<String> texts = new ArrayList<>();
        root.path("targets").forEach(t -> texts.add(t.path("text").asText()));
        return texts;
    }

    /** @return the scenarios recorded as skipped, in order */
    public List<String> skipped() {
        List<String> names = new ArrayList<>();
        root.path("skipped").forEach(s -> names.add(s.path("scenario").asText()));
        return names;
    }

    /**
     * The value of a parameter.
     *
     * @param key its name
     * @return its value as text, or "" when absent
     */
    public String param(String key) {
        return root.path("params").path(key).asText();
    }
}
