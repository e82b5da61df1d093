package org.fibers.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One command that measures Fibers against its peers: it runs every comparison ({@link Step#ALL})
 * in a JVM of its own, each writing its raw results ({@link Results}), and merges them into
 * {@code bench-report/}:
 * <ul>
 * <li>{@code report.md}: a table per area, each row with our ratio to that peer, the targets
 *     met or missed, the charts;</li>
 * <li>{@code report.json}: every area's raw results in one file ({@value #SCHEMA}), to compare runs;</li>
 * <li>PNG charts ({@link Charts}); {@code raw/} and {@code logs/}, each comparison's own file and output.</li>
 * </ul>
 *
 * <pre>
 * BenchReport [--smoke | --quick | --full] [--only area,area] [--out DIR] [--root DIR]
 *             [--no-install] [--update-readme] [--render-only]
 * </pre>
 * {@code --quick} (the default) takes a few minutes, {@code --full} about a quarter of an hour, {@code --smoke}
 * under two (tiny sizes: the test suite's check that the command works). Missing peers
 * (memcached, memcaslap, wrk) are installed with apt-get when running as root unless
 * {@code --no-install}; otherwise the comparisons skip them and the report says so.
 * {@code --update-readme} puts the tables and one chart between the README's markers;
 * {@code --render-only} makes the page, the charts and the README section again from an existing
 * {@code report.json} without measuring. Exit status 1 when a comparison failed to produce
 * results; missed targets are reported, not failures.
 */
public final class BenchReport {
    /** The merged report's schema name and version. */
    public static final String SCHEMA = "fibers-bench-report/1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchReport() {
    }

    /**
     * Runs as the class comment describes.
     *
     * @param args the options above
     * @throws IOException if the report cannot be written
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Step.Mode mode = Step.Mode.QUICK;
        Set<String> only = null;
        Path root = Path.of(".");
        Path out = null;
        boolean install = true;
        boolean updateReadme = false;
        boolean renderOnly = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> mode = Step.Mode.SMOKE;
                case "--quick" -> mode = Step.Mode.QUICK;
                case "--full" -> mode = Step.Mode.FULL;
                case "--only" -> only = Set.of(args[++i].split(","));
                case "--out" -> out = Path.of(args[++i]);
                case "--root" -> root = Path.of(args[++i]);
                case "--no-install" -> install = false;
                case "--update-readme" -> updateReadme = true;
                case "--render-only" -> renderOnly = true;
                default -> usage("unknown option " + args[i]);
            }
        }
        root = root.toAbsolutePath().normalize();
        out = (out == null ? root.resolve("bench-report") : out).toAbsolutePath().normalize();
        Files.createDirectories(out);
        ObjectNode report;
        boolean failed = false;
        if (renderOnly) {
            report = (ObjectNode) JSON.readTree(out.resolve("report.json").toFile());
        } else {
            List<Step> steps = select(only);
            report = measure(steps, mode, root, out, install);
            failed = report.path("failed").size() > 0;
        }
        write(report, out);
        if (updateReadme) {
            ReadmeSection.update(root.resolve("README.md"), report, root.relativize(out).toString());
        }
        System.out.println();
        System.out.print(MarkdownReport.summary(report));
        System.out.println("report: " + out.resolve("report.md") + " (" + report.path("charts").size() + " charts; raw results in "
                + out.resolve("report.json") + ")" + (updateReadme ? "; README.md updated" : ""));
        System.exit(failed ? 1 : 0);
    }

    /**
     * Draws the charts of a merged report and writes {@code report.json} (with the charts listed)
     * and {@code report.md} into its directory.
     *
     * @param report the merged report; its {@code charts} list is replaced
     * @param out    the report's directory
     * @throws IOException if a file cannot be written
     */
    static void write(ObjectNode report, Path out) throws IOException {
        List<JsonNode> areas = new ArrayList<>();
        report.path("areas").forEach(areas::add);
        ArrayNode charts = report.putArray("charts");
        for (Charts.Chart c : Charts.draw(areas, out)) {
            charts.addObject().put("file", c.file()).put("title", c.title());
        }
        JSON.writeValue(out.resolve("report.json").toFile(), report);
        Files.writeString(out.resolve("report.md"), MarkdownReport.page(report), StandardCharsets.UTF_8);
    }

    private static List<Step> select(Set<String> only) {
        if (only == null) {
            return Step.ALL;
        }
        Set<String> known = Step.ALL.stream().map(Step::area).collect(Collectors.toSet());
        for (String a : only) {
            if (!known.contains(a)) {
                usage("unknown area " + a + "; known: " + Step.ALL.stream().map(Step::area).toList());
            }
        }
        return Step.ALL.stream().filter(s -> only.contains(s.area())).toList();
    }

    /** Runs the steps one after another and merges what they wrote. */
    private static ObjectNode measure(List<Step> steps, Step.Mode mode, Path root, Path out, boolean install)
            throws IOException {
        ObjectNode report = JSON.createObjectNode();
        report.put("schema", SCHEMA);
        report.put("mode", mode.name().toLowerCase(Locale.ROOT));
        report.put("startedAt", Instant.now().toString());
        String[] commit = commit(root);
        report.put("commit", commit[0]);
        report.put("dirty", Boolean.parseBoolean(commit[1]));
        report.set("machine", JSON.valueToTree(Machine.describe()));
        int expected = steps.stream().mapToInt(s -> s.expectedSeconds(mode)).sum();
        System.out.printf(Locale.ROOT, "bench-report: %s mode, %d comparisons, usually about %s; writing %s%n",
                report.path("mode").asText(), steps.size(), clock(expected), out);
        Map<String, String> missing = Peers.ensure(steps, install, System.out::println);
        ArrayNode peersMissing = report.putArray("peersMissing");
        missing.forEach((p, why) -> {
            peersMissing.addObject().put("program", p).put("reason", why);
            System.out.println("peers: " + why + "; the comparisons that need it skip it");
        });
        ArrayNode areas = report.putArray("areas");
        ArrayNode failed = report.putArray("failed");
        long start = System.nanoTime();
        int done = 0;
        int expectedDone = 0;
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            double elapsed = (System.nanoTime() - start) / 1e9;
            int expectedLeft = expected - expectedDone;
            double pace = expectedDone == 0 ? 1 : Math.max(0.5, Math.min(3, elapsed / expectedDone));
            System.out.printf(Locale.ROOT, "[%d/%d] %s: %s%n      %s (usually %s; %s elapsed, about %s left)%n",
                    i + 1, steps.size(), step.area(), step.title(), step.commandLine(mode),
                    clock(step.expectedSeconds(mode)), clock(elapsed), clock(expectedLeft * pace));
            StepRunner.Outcome o = StepRunner.run(step, mode, out, System.out::println);
            expectedDone += step.expectedSeconds(mode);
            String failure = o.failure();
            if (failure != null) {
                failed.addObject().put("area", step.area()).put("reason", failure);
                System.out.printf(Locale.ROOT, "[%d/%d] %s: FAILED after %s: %s%n", i + 1, steps.size(), step.area(),
                        clock(o.seconds()), failure);
                continue;
            }
            ObjectNode area = (ObjectNode) JSON.readTree(o.raw().toFile());
            area.putObject("step").put("seconds", Math.round(o.seconds() * 10) / 10.0).put("exit", o.exit())
                    .put("log", "logs/" + o.log().getFileName());
            areas.add(area);
            done++;
            long missed = 0;
            for (JsonNode t : area.path("targets")) {
                missed += t.path("met").asBoolean() ? 0 : 1;
            }
            System.out.printf(Locale.ROOT, "[%d/%d] %s: done in %s (%d targets, %d missed%s)%n", i + 1, steps.size(),
                    step.area(), clock(o.seconds()), area.path("targets").size(), missed,
                    area.path("skipped").size() == 0 ? "" : ", " + area.path("skipped").size() + " skipped");
        }
        report.put("endedAt", Instant.now().toString());
        report.put("stepsRun", done);
        return report;
    }

    /** The commit measured, and whether the sources differ from it (the report's own files aside). */
    private static String[] commit(Path root) {
        String head = git(root, "rev-parse", "--short=10", "HEAD");
        String status = git(root, "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench-report", ":!README.md");
        return new String[] {head == null ? "unknown" : head.strip(), String.valueOf(status != null && !status.isBlank())};
    }

    private static String git(Path root, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", root.toString()));
        cmd.addAll(Arrays.asList(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? text : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Seconds as minutes and seconds.
     *
     * @param seconds a duration
     * @return e.g. {@code 4:05}
     */
    static String clock(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: BenchReport [--smoke | --quick | --full] [--only area,area] [--out DIR] [--root DIR]"
                + " [--no-install] [--update-readme] [--render-only]");
        System.exit(2);
    }
}
