package org.fibers.benchmarks.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a benchmark's helper JVM (a server, a client, or a whole benchmark command run from a
 * test) with this JVM's {@code java}, the flags Fibers needs, the {@code fibers.*} tuning
 * properties this JVM was given, and this JVM's class path.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** A process builder for {@code java [flags] -cp <this class path> mainClass args...}. */
    public static ProcessBuilder of(List<String> mainAndArgs) {
        return of(List.of(), mainAndArgs);
    }

    /** As {@link #of(List)}, with {@code jvmFlags} (such as {@code -Dname=value}) added to the flags. */
    public static ProcessBuilder of(List<String> jvmFlags, List<String> mainAndArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        for (String key : System.getProperties().stringPropertyNames()) {
            // tuning knobs given to us apply to the children too; the results file is ours alone
            if (key.startsWith("fibers.") && !key.equals(org.fibers.benchmarks.report.Results.FILE_PROPERTY)) {
                cmd.add("-D" + key + "=" + System.getProperty(key));
            }
        }
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(mainAndArgs);
        return new ProcessBuilder(cmd);
    }

    /**
     * Keeps reading a child's output on a daemon thread, discarding it, so that the child never
     * blocks on a full pipe once its caller has read what it wanted (a server's port line).
     *
     * @param out the child's standard output
     */
    public static void drainInBackground(BufferedReader out) {
        Thread t = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (IOException gone) {
                // the child exited
            }
        }, "drain");
        t.setDaemon(true);
        t.start();
    }
}
