package org.fibers.benchmarks.core;

import static org.fibers.benchmarks.core.BenchFlags.NATIVE;
import static org.fibers.benchmarks.core.BenchFlags.OPENS;
import static org.fibers.benchmarks.core.BenchFlags.VT_P1;
import static org.fibers.benchmarks.core.BenchFlags.VT_P2;
import static org.fibers.benchmarks.core.BenchFlags.XMN_BIG;
import static org.fibers.benchmarks.core.BenchFlags.XMS_BIG;
import static org.fibers.benchmarks.core.BenchFlags.XMX_BIG;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.internal.LoomSupport;
import org.fibers.scheduler.Scheduler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Spawn-and-join: a spawner running on the scheduler under test starts {@link #N} threads
 * running an empty task, then joins them all, in order. Score: time per fiber.
 * <ul>
 *   <li>{@code fibers_p1}, {@code fibers_p2}: {@code Fibers.spawn} / {@code Fiber.join} from the
 *       init fiber of a {@code Fibers.run} on our scheduler with parallelism 1 / 2;</li>
 *   <li>{@code floor}: virtual threads on {@link FloorExecutor}, started and joined by a virtual
 *       thread on the same executor;</li>
 *   <li>{@code vtDefault_p2}, {@code vtDefault_p1}: virtual threads on the JDK's default
 *       scheduler (2 carriers / 1 carrier), started and joined by a virtual thread.</li>
 * </ul>
 * Every variant allocates one builder per thread ({@code Thread.ofVirtual()} or
 * {@code LoomSupport.newVirtualThread}, as fibers do), keeps the threads in a preallocated
 * array and joins with the API's own join. Run: {@code java -jar benchmarks.jar 'core.SpawnJoin'}.
 * On a busy machine, {@link Interleaved} gives steadier ratios to the floor.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {OPENS, NATIVE, XMS_BIG, XMX_BIG, XMN_BIG, VT_P2})
public class SpawnJoin {
    /** Threads spawned and joined per invocation. */
    public static final int N = 1_000_000;

    /** The work of every spawned thread: nothing. */
    static final Runnable EMPTY = () -> {
    };

    /**
     * A full GC before each invocation (not timed), in a young generation big enough for one
     * invocation's garbage: no collection happens while fibers are counted, so the score is
     * the runtime's own cost (allocation included) rather than the collector's mood with a
     * million live threads. The memory cost shows in {@code -prof gc}'s B/op.
     */
    @State(Scope.Benchmark)
    public abstract static class Collected {
        @Setup(Level.Invocation)
        public void collect() {
            System.gc();
        }
    }

    @State(Scope.Benchmark)
    public static class FibersP1 extends Collected {
        Scheduler scheduler;
        final Fiber<?>[] fibers = new Fiber<?>[N];

        @Setup
        public void setUp() {
            scheduler = Scheduler.create(parallelism());
            scheduler.setHz(RunOptions.DEFAULT_HZ); // what Fibers.run gives a scheduler it makes
        }

        int parallelism() {
            return 1;
        }

        @TearDown
        public void tearDown() {
            scheduler.close();
        }
    }

    @State(Scope.Benchmark)
    public static class FibersP2 extends FibersP1 {
        @Override
        int parallelism() {
            return 2;
        }
    }

    @State(Scope.Benchmark)
    public static class Threads extends Collected {
        final Thread[] threads = new Thread[N];
    }

    @State(Scope.Benchmark)
    public static class Floor extends Threads {
        FloorExecutor executor;

        @Setup
        public void setUp() {
            executor = new FloorExecutor("loom-floor-carrier");
        }

        @TearDown
        public void tearDown() {
            executor.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int fibers_p1(FibersP1 state) {
        return onFibers(state);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int fibers_p2(FibersP2 state) {
        return onFibers(state);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int floor(Floor state) {
        return onFloor(state.executor, state.threads);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int vtDefault_p2(Threads state) {
        return onDefaultScheduler(state.threads);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    @Fork(value = 1, jvmArgsAppend = {OPENS, NATIVE, XMS_BIG, XMX_BIG, XMN_BIG, VT_P1})
    public int vtDefault_p1(Threads state) {
        return onDefaultScheduler(state.threads);
    }

    static int onFibers(FibersP1 state) {
        return onFibers(state.scheduler, state.fibers);
    }

    /** Spawns and joins {@code fibers.length} fibers from the init fiber of a Fibers.run on {@code scheduler}. */
    static int onFibers(Scheduler scheduler, Fiber<?>[] fibers) {
        int n = Fibers.run(RunOptions.builder().scheduler(scheduler).build(), () -> {
            for (int i = 0; i < fibers.length; i++) {
                fibers[i] = Fibers.spawn(EMPTY);
            }
            for (int i = 0; i < fibers.length; i++) {
                fibers[i].join();
                fibers[i] = null;
            }
            return fibers.length;
        });
        Arrays.fill(fibers, null); // only matters if the run failed half-way
        return n;
    }

    /** Spawns and joins {@code threads.length} virtual threads on {@code executor}, from one of them. */
    static int onFloor(FloorExecutor executor, Thread[] threads) {
        Thread spawner = LoomSupport.newVirtualThread(executor, () -> {
            for (int i = 0; i < threads.length; i++) {
                Thread t = LoomSupport.newVirtualThread(executor, EMPTY);
                t.start();
                threads[i] = t;
            }
            joinAll(threads);
        });
        spawner.start();
        HandOff.joinUninterruptibly(spawner);
        return threads.length;
    }

    static int onDefaultScheduler(Thread[] threads) {
        Thread spawner = Thread.ofVirtual().unstarted(() -> {
            for (int i = 0; i < threads.length; i++) {
                Thread t = Thread.ofVirtual().unstarted(EMPTY);
                t.start();
                threads[i] = t;
            }
            joinAll(threads);
        });
        spawner.start();
        HandOff.joinUninterruptibly(spawner);
        return threads.length;
    }

    static void joinAll(Thread[] threads) {
        for (int i = 0; i < threads.length; i++) {
            HandOff.joinUninterruptibly(threads[i]);
            threads[i] = null;
        }
    }
}
