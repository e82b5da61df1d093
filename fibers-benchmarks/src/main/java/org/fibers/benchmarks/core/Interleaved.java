package org.fibers.benchmarks.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import org.fibers.Fiber;
import org.fibers.RunOptions;
import org.fibers.internal.LoomSupport;
import org.fibers.scheduler.Scheduler;

/**
 * A noise-resistant companion to the JMH groups for shared machines: one JVM runs the variants
 * of {@link HandOff} or {@link SpawnJoin} in short alternating samples (order reversed every
 * round) and reports each variant's spread and, above all, the median of its per-round ratio
 * to the Loom floor. Load that comes and goes on the machine hits both sides of a ratio
 * alike, so the ratio holds still while absolute figures swing by 2x.
 *
 * <p>The price: the variants share one JVM, hence one JIT profile (the JDK's call into the
 * executor sees several executor classes, in every variant alike) and one default-scheduler
 * size, set with {@code -Djdk.virtualThreadScheduler.parallelism}.
 *
 * <pre>
 * java --add-opens=java.base/java.lang=ALL-UNNAMED -cp fibers-benchmarks/target/benchmarks.jar \
 *      org.fibers.benchmarks.core.Interleaved handoff [rounds]      (default 400 rounds of 20,000 round trips)
 * java --add-opens=java.base/java.lang=ALL-UNNAMED -Xms3g -Xmx3g -Xmn2g -cp ... \
 *      org.fibers.benchmarks.core.Interleaved spawnjoin [rounds]    (default 20 rounds of 1,000,000 fibers, a full GC before each sample)
 * </pre>
 */
public final class Interleaved {
    private Interleaved() {
    }

    public static void main(String[] args) {
        String mode = args.length > 0 ? args[0] : "handoff";
        boolean spawnJoin = mode.equals("spawnjoin");
        if (!spawnJoin && !mode.equals("handoff")) {
            System.err.println("usage: Interleaved handoff|spawnjoin [rounds]");
            System.exit(2);
        }
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : spawnJoin ? 20 : 400;
        int perSample = spawnJoin ? SpawnJoin.N : 20_000;

        Scheduler p1 = Scheduler.create(1);
        p1.setHz(RunOptions.DEFAULT_HZ);
        Scheduler p2 = Scheduler.create(2);
        p2.setHz(RunOptions.DEFAULT_HZ);
        FloorExecutor floor = new FloorExecutor("loom-floor-carrier");
        String vtName = "vtDefault_p" + System.getProperty("jdk.virtualThreadScheduler.parallelism",
                String.valueOf(Runtime.getRuntime().availableProcessors()));
        List<String> names = new ArrayList<>();
        List<LongSupplier> variants = new ArrayList<>();
        if (spawnJoin) {
            Thread[] threads = new Thread[perSample];
            Fiber<?>[] fibers = new Fiber<?>[perSample];
            names.addAll(List.of("floor", "fibers_p1", "fibers_p2", vtName));
            variants.add(() -> SpawnJoin.onFloor(floor, threads));
            variants.add(() -> SpawnJoin.onFibers(p1, fibers));
            variants.add(() -> SpawnJoin.onFibers(p2, fibers));
            variants.add(() -> SpawnJoin.onDefaultScheduler(threads));
        } else {
            names.addAll(List.of("floor", "fibers_p1", "fibers_p2", vtName));
            variants.add(() -> {
                PingPong pp = new PingPong(perSample);
                return pair(pp, LoomSupport.newVirtualThread(floor, pp::ping), LoomSupport.newVirtualThread(floor, pp::pong));
            });
            variants.add(() -> PingPong.onFibers(p1, perSample));
            variants.add(() -> PingPong.onFibers(p2, perSample));
            variants.add(() -> {
                PingPong pp = new PingPong(perSample);
                return pair(pp, Thread.ofVirtual().unstarted(pp::ping), Thread.ofVirtual().unstarted(pp::pong));
            });
        }
        int k = variants.size();
        double[][] ns = new double[k][rounds];
        long sink = 0;
        int warmup = spawnJoin ? 3 : Math.max(20, rounds / 5);
        for (int r = -warmup; r < rounds; r++) {
            for (int j = 0; j < k; j++) {
                int v = (r & 1) == 0 ? j : k - 1 - j;
                if (spawnJoin) {
                    System.gc(); // not timed: no collection while a million threads are counted
                }
                long t0 = System.nanoTime();
                sink += variants.get(v).getAsLong();
                long t = System.nanoTime() - t0;
                if (r >= 0) {
                    ns[v][r] = (double) t / perSample;
                }
            }
        }
        System.out.printf("%s: %d rounds x %,d %s per sample, after %d warm-up rounds; ns per %s%n", mode, rounds,
                perSample, spawnJoin ? "fibers" : "round trips", warmup, spawnJoin ? "fiber" : "round trip");
        System.out.printf("%-14s %8s %8s %8s %8s   %s%n", "variant", "min", "p25", "median", "p75",
                "ratio to floor (p25 / median / p75)");
        for (int v = 0; v < k; v++) {
            double[] s = ns[v].clone();
            Arrays.sort(s);
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = ns[v][r] / ns[0][r];
            }
            Arrays.sort(ratio);
            System.out.printf("%-14s %8.1f %8.1f %8.1f %8.1f   %.3f / %.3f / %.3f%n", names.get(v), s[0], q(s, 0.25),
                    q(s, 0.5), q(s, 0.75), q(ratio, 0.25), q(ratio, 0.5), q(ratio, 0.75));
        }
        if (sink == 42) {
            System.out.println();
        }
        floor.close();
        p1.close();
        p2.close();
    }

    private static double q(double[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
    }

    private static long pair(PingPong pp, Thread ping, Thread pong) {
        pp.pong = pong;
        pong.start();
        ping.start();
        HandOff.joinUninterruptibly(ping);
        HandOff.joinUninterruptibly(pong);
        return pp.checksum;
    }
}
