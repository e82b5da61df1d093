package org.fibers.benchmarks.channels;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link ChannelBenchmarks} (JMH, one forked JVM, every scenario in one run) and prints a
 * comparison against the targets, then measures what each scenario costs in CPU
 * (process CPU time over wall time, in this JVM), since idle carriers may spin before parking.
 *
 * <pre>
 * mvn -q -pl fibers-benchmarks -am package -DskipTests
 * java --add-opens=java.base/java.lang=ALL-UNNAMED \
 *      -cp fibers-benchmarks/target/benchmarks.jar org.fibers.benchmarks.channels.ChannelComparison [quick]
 * </pre>
 * {@code quick} runs 3 warm-up and 3 measured iterations of 1 s instead of 5 and 5.
 */
public final class ChannelComparison {
    private ChannelComparison() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = args.length > 0 && args[0].equals("quick");
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(ChannelBenchmarks.class.getName() + ".perOperation");
        if (quick) {
            options.warmupIterations(3).measurementIterations(3)
                    .warmupTime(TimeValue.seconds(1)).measurementTime(TimeValue.seconds(1));
        }
        Map<String, Result<?>> scores = new LinkedHashMap<>();
        for (RunResult r : new Runner(options.build()).run()) {
            scores.put(r.getParams().getParam("scenario"), r.getPrimaryResult());
        }
        printComparison(scores);
        printCpuCost(quick ? 1_000 : 2_000);
    }

    private static void printComparison(Map<String, Result<?>> s) {
        double floor = score(s, "loom-floor");
        double syncQueue = score(s, "syncqueue-default-vt");
        System.out.println();
        System.out.println("Channel benchmarks (ns per round trip; choice: ns per message)");
        System.out.printf("%-24s %10s %8s %9s   %s%n", "scenario", "ns/op", "±", "x floor", "target");
        for (Map.Entry<String, Result<?>> e : s.entrySet()) {
            String name = e.getKey();
            double v = e.getValue().getScore();
            String target = switch (name) {
                case "fibers-1-scheduler" -> verdict(v <= 1.15 * floor, "<= 1.15 x floor = " + fmt(1.15 * floor));
                case "fibers-2-schedulers" -> verdict(v <= syncQueue, "<= syncqueue = " + fmt(syncQueue));
                case "fibers-choice-4" -> verdict(v <= 350, "<= 350; "
                        + String.format("%.2f", v / score(s, "kotlin-select-4")) + " x kotlin-select-4");
                default -> "reference";
            };
            System.out.printf("%-24s %10.1f %8.1f %9.2f   %s%n", name, v, e.getValue().getScoreError(), v / floor, target);
        }
    }

    private static String verdict(boolean ok, String what) {
        return (ok ? "MET     " : "MISSED  ") + what;
    }

    private static String fmt(double d) {
        return String.format("%.1f", d);
    }

    private static double score(Map<String, Result<?>> s, String name) {
        Result<?> r = s.get(name);
        return r == null ? Double.NaN : r.getScore();
    }

    /** Wall time and process CPU time per operation for each scenario, in this JVM. */
    private static void printCpuCost(long millisEach) {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.println();
        System.out.println("CPU cost (in-process, " + millisEach + " ms each after warm-up)");
        System.out.printf("%-24s %10s %12s %12s%n", "scenario", "wall ns/op", "cpu ns/op", "cores busy");
        for (String name : Scenario.NAMES) {
            try (Scenario world = Scenario.open(name)) {
                for (int i = 0; i < 50; i++) {
                    world.run(ChannelBenchmarks.BATCH);
                }
                long ops = 0;
                long wall0 = System.nanoTime();
                long cpu0 = os.getProcessCpuTime();
                long end = wall0 + millisEach * 1_000_000L;
                while (System.nanoTime() - end < 0) {
                    world.run(ChannelBenchmarks.BATCH);
                    ops += ChannelBenchmarks.BATCH;
                }
                double wall = System.nanoTime() - wall0;
                double cpu = os.getProcessCpuTime() - cpu0;
                System.out.printf("%-24s %10.1f %12.1f %12.2f%n", name, wall / ops, cpu / ops, cpu / wall);
            }
        }
    }
}
