package org.fibers.benchmarks.channels;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * A/B of two or more builds of this project on one channel scenario, in one JVM: each
 * benchmarks jar is loaded by its own class loader (its own copy of fibers-core, JIT-compiled
 * separately), every build opens the scenario once, and short samples alternate between the
 * builds (order reversed every other round). On a shared or virtual machine whose speed drifts
 * by 20-30% between runs, the median of the per-round ratios to the first build is the figure
 * that compares; a build listed twice shows what "no difference" looks like.
 *
 * <pre>
 * java --add-opens=java.base/java.lang=ALL-UNNAMED -cp fibers-benchmarks/target/benchmarks.jar \
 *      org.fibers.benchmarks.channels.CompareBuilds fibers-1-scheduler 150 old.jar new.jar [more.jar...]
 * </pre>
 * Scenario names are those of {@link Scenario#NAMES}. Each world runs its own carriers, so
 * scenarios with two schedulers per world overcommit a 2-core machine: compare them with care.
 * Batches of 1,000 operations make every sample wake the world's threads 20 times, and on a
 * virtual machine those wake-ups (hundreds of microseconds each) make one jar listed twice
 * differ by 15%: {@code -Dchannels.batch=20000} hands each sample over whole and resolves
 * much smaller differences between builds.
 */
public final class CompareBuilds {
    private static final int PER_SAMPLE = 20_000;
    /** Operations per hand-over to a world, as in InterleavedChannels (-Dchannels.batch, default 1,000). */
    private static final int BATCH = InterleavedChannels.batch(Integer.getInteger("channels.batch", 1000));

    private CompareBuilds() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: CompareBuilds SCENARIO ROUNDS JAR_A JAR_B [JAR...]");
            System.exit(2);
        }
        String scenario = args[0];
        int rounds = Integer.parseInt(args[1]);
        int k = args.length - 2;
        Path[] jars = new Path[k];
        Object[] worlds = new Object[k];
        Method[] run = new Method[k];
        Method[] close = new Method[k];
        for (int i = 0; i < k; i++) {
            jars[i] = Path.of(args[i + 2]);
            ClassLoader loader = new URLClassLoader(new URL[] {jars[i].toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            Class<?> type = Class.forName(Scenario.class.getName(), true, loader);
            Method open = type.getMethod("open", String.class);
            run[i] = type.getMethod("run", int.class);
            close[i] = type.getMethod("close");
            open.setAccessible(true);          // Scenario is package-private in every build
            run[i].setAccessible(true);
            close[i].setAccessible(true);
            worlds[i] = open.invoke(null, scenario);
        }
        double[][] ns = new double[k][rounds];
        int warmup = Math.max(10, rounds / 5);
        try {
            for (int r = -warmup; r < rounds; r++) {
                for (int j = 0; j < k; j++) {
                    int v = (r & 1) == 0 ? j : k - 1 - j;
                    long t0 = System.nanoTime();
                    for (int done = 0; done < PER_SAMPLE; done += BATCH) {
                        run[v].invoke(worlds[v], BATCH);
                    }
                    if (r >= 0) {
                        ns[v][r] = (double) (System.nanoTime() - t0) / PER_SAMPLE;
                    }
                }
            }
        } finally {
            for (int i = 0; i < k; i++) {
                close[i].invoke(worlds[i]);
            }
        }
        System.out.printf("%s: %d rounds x %,d operations per sample in batches of %,d, after %d warm-up rounds%n", scenario, rounds,
                PER_SAMPLE, BATCH, warmup);
        System.out.printf("%-4s %-40s %9s %9s %9s%n", "#", "build", "min ns", "median ns", "x first");
        for (int i = 0; i < k; i++) {
            double[] sorted = InterleavedChannels.sorted(ns[i]);
            System.out.printf("%-4d %-40s %9.1f %9.1f %9.3f%n", i, jars[i], sorted[0], InterleavedChannels.q(sorted, 0.5),
                    InterleavedChannels.medianRatio(ns[i], ns[0]));
        }
    }
}
