package org.fibers.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fibers.internal.JdkAdvisories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hundreds of thread dumps of a JVM whose fibers park and unpark on three schedulers, beside
 * the same load on the JDK's default virtual threads, each in a child JVM bounded in time.
 *
 * <p>What it found (see {@link JdkAdvisories} and the README): on JDK 25 the JDK's thread
 * snapshot ({@code jcmd Thread.dump_to_file}, {@code HotSpotDiagnosticMXBean.dumpThreads})
 * crashes the JVM in {@code GetThreadSnapshotClosure::do_thread} under both loads alike: a JDK
 * defect, not ours. Every other way to dump threads is safe under both, and that is what the
 * first test holds to; the second holds that a dump-to-file never crashes us on an unaffected
 * JDK, and that on an affected one every crash is that known JDK frame and nothing else.
 */
class ThreadDumpStressTest {
    private static final String SAFE_KINDS = "all-stack-traces,mxbean,fiber-stacks";

    @TempDir
    Path dir;

    @Test
    void stackTracesMxBeanDumpsAndJcmdThreadPrintNeverCrashOrStallFibers() throws Exception {
        for (String mode : List.of("fibers", "vthreads")) {
            // bounded by count (150 dumps); the 90 s are only a cap for a loaded machine
            Run run = Run.start(dir, mode, 90, 150, SAFE_KINDS);
            run.jcmdWhileRunning(5, "Thread.print");
            run.finish();
            assertEquals(0, run.exit, mode + " exited with " + run.exit + ":\n" + run.tail());
            int dumps = run.dumpsDone();
            assertEquals(150, dumps, mode + ": only " + dumps + " dumps within the 90 s cap:\n" + run.tail());
            assertEquals(List.of(), run.crashReports(), mode + " left crash reports");
            System.out.println(mode + ": " + dumps + " in-process dumps and 5 jcmd Thread.print, no crash");
        }
    }

    @Test
    void dumpToFileCrashesOnlyInTheKnownJdkDefect() throws Exception {
        boolean affected = JdkAdvisories.threadSnapshotCrashAffects(Runtime.version());
        for (String mode : List.of("fibers", "vthreads")) {
            Run run = Run.start(dir, mode, 8, 200, "snapshot-text,snapshot-json");
            run.jcmdWhileRunning(4, "Thread.dump_to_file", "-format=text");
            run.jcmdWhileRunning(4, "Thread.dump_to_file", "-format=json");
            run.finish();
            System.out.println(mode + " on Java " + Runtime.version() + ": dump-to-file "
                    + (run.exit == 0 ? "survived " + run.dumpsDone() + " dumps" : "crashed the JVM (exit " + run.exit + ")"));
            if (run.exit == 0) {
                continue;
            }
            List<Path> reports = run.crashReports();
            if (!affected || reports.isEmpty()) {
                fail(mode + " on Java " + Runtime.version() + " exited with " + run.exit + ":\n" + run.tail());
            }
            for (Path r : reports) {
                String text = Files.readString(r);
                assertTrue(text.contains("GetThreadSnapshotClosure"),
                        mode + ": a crash other than the JDK's known thread-snapshot defect, see " + r + ":\n"
                                + text.substring(0, Math.min(4000, text.length())));
            }
        }
    }

    /** One child JVM running ThreadDumpLoad. */
    private static final class Run {
        final Path dir;
        final Process process;
        final List<String> out = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CompletableFuture<Long> ready = new CompletableFuture<>();
        int exit = -1;

        private Run(Path dir, Process process) {
            this.dir = dir;
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        out.add(line);
                        if (line.startsWith("ready ")) {
                            ready.complete(Long.parseLong(line.substring(6).trim()));
                        }
                    }
                } catch (IOException e) {
                    out.add("(reading the child failed: " + e + ")");
                }
                ready.complete(-1L);
            }, "child-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Run start(Path base, String mode, int seconds, int dumps, String kinds) throws IOException {
            Path dir = Files.createTempDirectory(base, mode);
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
            cmd.add("-XX:ErrorFile=" + dir.resolve("hs_err_pid%p.log"));
            cmd.add("-XX:-CreateCoredumpOnCrash");
            cmd.add("-Dfibers.jdkAdvisory=false");
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ThreadDumpLoad.class.getName(),
                    mode, String.valueOf(seconds), String.valueOf(dumps), kinds));
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            return new Run(dir, p);
        }

        /** Runs {@code jcmd PID args} {@code times} times while the child's load runs. */
        void jcmdWhileRunning(int times, String... args) throws Exception {
            long pid = ready.get(60, TimeUnit.SECONDS);
            if (pid < 0) {
                return;
            }
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            for (int i = 0; i < times && process.isAlive(); i++) {
                List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), String.valueOf(pid)));
                for (String a : args) {
                    cmd.add(a);
                }
                if (args[0].equals("Thread.dump_to_file")) {
                    cmd.add("-overwrite");
                    cmd.add(dir.resolve("jcmd-dump").toString());
                }
                Process j = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!j.waitFor(30, TimeUnit.SECONDS)) {
                    j.destroyForcibly();
                }
            }
        }

        void finish() throws InterruptedException {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                fail("the child did not end within 120 s:\n" + tail());
            }
            exit = process.exitValue();
        }

        List<Path> crashReports() throws IOException {
            try (Stream<Path> s = Files.list(dir)) {
                return s.filter(p -> p.getFileName().toString().startsWith("hs_err")).toList();
            }
        }

        /** N of the child's {@code done N dumps} line, or -1. */
        int dumpsDone() {
            for (String l : out) {
                if (l.startsWith("done ")) {
                    return Integer.parseInt(l.split(" ")[1]);
                }
            }
            return -1;
        }

        String tail() {
            List<String> lines = new ArrayList<>(out);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        }
    }
}
