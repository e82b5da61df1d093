package org.fibers.benchmarks.report;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.fibers.benchmarks.core.ChildJvm;

/**
 * Runs one {@link Step} in a JVM of its own, its output in {@code logs/<area>.log}, its results
 * in {@code raw/<area>.json}; says every {@value #HEARTBEAT_SECONDS} seconds how far it is
 * (time spent, time it usually takes, its last line of output); and stops it, with every process
 * it started, when it runs past its time limit. A step that fails never stops the report: its
 * outcome says what happened.
 */
final class StepRunner {
    static final int HEARTBEAT_SECONDS = 15;

    /**
     * What became of a step.
     *
     * @param step     the step
     * @param seconds  how long it ran
     * @param exit     its exit status (-1 when it was stopped)
     * @param timedOut whether it was stopped at its time limit
     * @param limit    that limit in seconds
     * @param raw      its results file, or null when it wrote none
     * @param log      its output
     */
    record Outcome(Step step, double seconds, int exit, boolean timedOut, int limit, Path raw, Path log) {
        /** @return why the step has no results, or null when it has them */
        String failure() {
            if (timedOut) {
                return String.format(Locale.ROOT, "stopped after its %d s limit (log: logs/%s)", limit, log.getFileName());
            }
            if (raw == null) {
                return "exited with status " + exit + " and wrote no results (log: logs/" + log.getFileName() + ")";
            }
            return null;
        }
    }

    private StepRunner() {
    }

    /**
     * Runs a step.
     *
     * @param step     what to run
     * @param mode     how big
     * @param out      the report's directory
     * @param progress where heartbeat lines go
     * @return what became of it
     * @throws IOException if its log cannot be written
     */
    static Outcome run(Step step, Step.Mode mode, Path out, Consumer<String> progress) throws IOException {
        Path raw = out.resolve("raw").resolve(step.area() + ".json");
        Path log = out.resolve("logs").resolve(step.area() + ".log");
        Files.createDirectories(raw.getParent());
        Files.createDirectories(log.getParent());
        Files.deleteIfExists(raw);
        List<String> flags = new ArrayList<>(step.jvmFlags(mode));
        flags.add("-D" + Results.FILE_PROPERTY + "=" + raw.toAbsolutePath());
        // The JDK advisory (README "Thread dumps") is for people; here it would be every
        // server's first line and hide the step's progress in the heartbeat. Children inherit it.
        flags.add("-Dfibers.jdkAdvisory=false");
        List<String> main = new ArrayList<>();
        main.add(step.mainClass());
        main.addAll(step.args(mode));
        long start = System.nanoTime();
        Process p = ChildJvm.of(flags, main).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long limitNanos = TimeUnit.SECONDS.toNanos(step.timeoutSeconds(mode));
        boolean ended = false;
        try {
            while (!ended) {
                ended = p.waitFor(HEARTBEAT_SECONDS, TimeUnit.SECONDS);
                long spent = System.nanoTime() - start;
                if (!ended && spent > limitNanos) {
                    break;
                }
                if (!ended) {
                    progress.accept(String.format(Locale.ROOT, "      %s: %s of about %s; last: %s", step.area(),
                            BenchReport.clock(spent / 1e9), BenchReport.clock(step.expectedSeconds(mode)), lastLine(log)));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly); // the servers and clients it started
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Outcome(step, seconds, ended ? p.exitValue() : -1, !ended, step.timeoutSeconds(mode), Files.isRegularFile(raw) ? raw : null, log);
    }

    /** The last non-blank line of a log, shortened, read from its end without reading it whole. */
    static String lastLine(Path log) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, 4096);
            byte[] tail = new byte[n];
            f.seek(len - n);
            f.readFully(tail);
            String[] lines = new String(tail, StandardCharsets.UTF_8).split("\\R");
            for (int i = lines.length - 1; i >= 0; i--) {
                String l = lines[i].strip();
                if (!l.isEmpty()) {
                    return l.length() > 100 ? l.substring(0, 97) + "..." : l;
                }
            }
        } catch (IOException e) {
            return "(no output yet)";
        }
        return "(no output yet)";
    }
}
