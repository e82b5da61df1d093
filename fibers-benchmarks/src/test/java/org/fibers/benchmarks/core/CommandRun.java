package org.fibers.benchmarks.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a benchmark command in a child JVM, as a user would, and returns what it printed. */
public final class CommandRun {
    private CommandRun() {
    }

    /**
     * Runs {@code java [jvmFlags] -cp <class path> mainClass args...}, fails the test if it does
     * not exit 0 within {@code timeoutSeconds} (killing it and the processes it started), and
     * returns its standard output.
     */
    public static String run(List<String> jvmFlags, List<String> mainAndArgs, long timeoutSeconds)
            throws IOException, InterruptedException {
        return run(jvmFlags, mainAndArgs, timeoutSeconds, Map.of());
    }

    /**
     * As {@link #run(List, List, long)}, with {@code environment} set in the command's
     * environment (e.g. a {@code PATH} without a peer's tool, to see how the command does
     * without it).
     */
    public static String run(List<String> jvmFlags, List<String> mainAndArgs, long timeoutSeconds,
                             Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder pb = ChildJvm.of(jvmFlags, mainAndArgs);
        pb.environment().putAll(environment);
        Path out = Files.createTempFile("benchmark-command", ".out");
        try {
            Process p = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean ended = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!ended) {
                p.descendants().forEach(ProcessHandle::destroyForcibly); // servers it started
                p.destroyForcibly().waitFor();
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            assertTrue(ended, () -> "still running after " + timeoutSeconds + " s: " + mainAndArgs + "\n" + output);
            assertEquals(0, p.exitValue(), () -> "exit status of " + mainAndArgs + "\n" + output);
            return output;
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
