package org.fibers.benchmarks.core;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.fibers.Fiber;
import org.fibers.RunOptions;
import org.fibers.benchmarks.report.Results;
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
 *      org.fibers.benchmarks.core.Interleaved spawnjoin [rounds] [--fibers N]
 *      (default 20 rounds of 1,000,000 fibers per sample, a full GC before each sample)
 * </pre>
 * It ends with issue 2's targets for its mode, met or missed, for {@code fibers_p1} (one
 * scheduler): a hand-off within 1.15x of the floor and faster than default virtual threads; a
 * spawn-and-join at most 0.75x of default virtual threads' (set for the default heap, where
 * collections are timed; with {@code -Xmn2g} none is). With {@code -Dfibers.report.json=FILE}
 * it also writes its figures there ({@link Results}; area {@code handoff} or {@code spawnjoin}).
 */
public final class Interleaved {
    private Interleaved() {
    }

    /** The variant our figures and targets are about: one scheduler, as in issue 2. */
    static final String OURS = "fibers_p1";

    /**
     * Runs the comparison.
     *
     * @param args {@code handoff|spawnjoin [rounds] [--fibers N]} ({@code --fibers}: fibers per
     *             spawn-join sample)
     */
    public static void main(String[] args) {
        List<String> positional = new ArrayList<>();
        int fibersPerSample = SpawnJoin.N;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--fibers") && i + 1 < args.length) {
                fibersPerSample = Integer.parseInt(args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
        String mode = positional.isEmpty() ? "handoff" : positional.get(0);
        boolean spawnJoin = mode.equals("spawnjoin");
        if (!spawnJoin && !mode.equals("handoff") || positional.size() > 2 || fibersPerSample <= 0) {
            System.err.println("usage: Interleaved handoff|spawnjoin [rounds] [--fibers N]");
            System.exit(2);
        }
        int rounds = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : spawnJoin ? 20 : 400;
        int perSample = spawnJoin ? fibersPerSample : 20_000;

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
        Results results = Results.forArea(mode, spawnJoin ? "Spawn and join against the Loom floor and default virtual threads"
                        : "Hand-off between two fibers against the Loom floor and default virtual threads",
                Interleaved.class.getName() + " " + String.join(" ", args));
        results.param("mode", mode).param("rounds", rounds).param("per_sample", perSample)
                .param("warmup_rounds", warmup).param("ours", OURS).param("vt_default", vtName);
        InterleavedReport.print(results, names, ns, spawnJoin);
        results.write();
        if (sink == 42) {
            System.out.println();
        }
        floor.close();
        p1.close();
        p2.close();
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
