package org.fibers.benchmarks.core;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time per operation of the forked benchmark JVM, a figure that suffers much less than
 * wall time when other processes share the cores (time slices lost to them are not counted).
 * Use: {@code -prof org.fibers.benchmarks.core.CpuTimeProfiler}. Reports, in ns per op:
 * <ul>
 *   <li>{@code cpu}: the whole process ({@code OperatingSystemMXBean.getProcessCpuTime});</li>
 *   <li>{@code cpu.gc}: the garbage collector's threads;</li>
 *   <li>{@code cpu.jit}: the JIT compiler threads (should be ~0 after warmup);</li>
 *   <li>{@code cpu.rest} = cpu - gc - jit: the carriers, their idle spinning, the benchmark
 *       thread (which is our scheduler's main carrier in the fibers variants).</li>
 * </ul>
 * Per-thread figures come from Linux's {@code /proc/self/task/N/schedstat} (nanoseconds on
 * CPU); on other systems only {@code cpu} is reported.
 */
public final class CpuTimeProfiler implements InternalProfiler {
    private static final Path TASKS = Path.of("/proc/self/task");
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long cpu0;
    private long gc0;
    private long jit0;

    @Override
    public String getDescription() {
        return "CPU time per operation of the benchmark JVM (total, GC, JIT)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        long[] t = threadTimes();
        gc0 = t[0];
        jit0 = t[1];
        cpu0 = os.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
            IterationParams iterationParams, IterationResult result) {
        long cpu = os.getProcessCpuTime() - cpu0;
        long[] t = threadTimes();
        long ops = result.getMetadata().getAllOps();
        List<Result> out = new ArrayList<>();
        if (ops <= 0 || cpu < 0) {
            return out;
        }
        out.add(new ScalarResult("cpu", (double) cpu / ops, "ns/op", AggregationPolicy.AVG));
        if (t[0] >= 0) {
            long gc = t[0] - gc0;
            long jit = t[1] - jit0;
            out.add(new ScalarResult("cpu.gc", (double) gc / ops, "ns/op", AggregationPolicy.AVG));
            out.add(new ScalarResult("cpu.jit", (double) jit / ops, "ns/op", AggregationPolicy.AVG));
            out.add(new ScalarResult("cpu.rest", (double) (cpu - gc - jit) / ops, "ns/op", AggregationPolicy.AVG));
        }
        return out;
    }

    /** {GC threads' ns, JIT threads' ns}, or {-1, -1} without /proc. */
    private static long[] threadTimes() {
        long gc = 0;
        long jit = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                String name;
                long ns;
                try {
                    name = Files.readString(task.resolve("comm")).trim();
                    String s = Files.readString(task.resolve("schedstat")).trim();
                    ns = Long.parseLong(s.substring(0, s.indexOf(' ')));
                } catch (IOException | RuntimeException e) {
                    continue; // the thread ended meanwhile
                }
                if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) {
                    gc += ns;
                } else if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                    jit += ns;
                }
            }
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
        return new long[] {gc, jit};
    }
}
