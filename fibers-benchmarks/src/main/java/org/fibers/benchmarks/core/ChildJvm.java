package org.fibers.benchmarks.core;

import java.util.ArrayList;
import java.util.List;
import org.fibers.benchmarks.report.Results;

/**
 * Starts a benchmark's helper JVM (a server, a client, or a whole benchmark command run from a
 * test) with this JVM's {@code java}, the flags Fibers needs, the {@code fibers.*} tuning
 * properties this JVM was given (except {@value Results#FILE_PROPERTY}: the report file belongs
 * to the comparison that was asked to write it), and this JVM's class path.
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
            if (key.startsWith("fibers.") && !key.equals(Results.FILE_PROPERTY)) { // tuning knobs apply to children too;
                                                                                   // the report file is ours alone
                cmd.add("-D" + key + "=" + System.getProperty(key));
            }
        }
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(mainAndArgs);
        return new ProcessBuilder(cmd);
    }
}
