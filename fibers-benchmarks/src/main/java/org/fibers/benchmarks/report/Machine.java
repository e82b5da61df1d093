package org.fibers.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a result was measured on: enough to tell two machines, or two JDKs, apart in a report. */
public final class Machine {
    private Machine() {
    }

    /**
     * Describes this machine and JVM.
     *
     * @return cpus, cpuModel, java (the runtime version), vm, os and maxHeapBytes, in that order
     */
    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("cpuModel", cpuModel());
        m.put("java", Runtime.version().toString());
        m.put("vm", System.getProperty("java.vm.name") + " (" + System.getProperty("java.vendor") + ")");
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        return m;
    }

    /**
     * The CPU's model name from {@code /proc/cpuinfo}, or the architecture where there is none.
     *
     * @return a human-readable CPU description
     */
    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }
}
