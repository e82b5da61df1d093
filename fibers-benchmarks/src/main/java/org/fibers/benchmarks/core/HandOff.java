package org.fibers.benchmarks.core;

import static org.fibers.benchmarks.core.BenchFlags.NATIVE;
import static org.fibers.benchmarks.core.BenchFlags.OPENS;
import static org.fibers.benchmarks.core.BenchFlags.VT_P1;
import static org.fibers.benchmarks.core.BenchFlags.VT_P2;
import static org.fibers.benchmarks.core.BenchFlags.XMS;
import static org.fibers.benchmarks.core.BenchFlags.XMX;

import java.util.concurrent.TimeUnit;
import org.fibers.RunOptions;
import org.fibers.internal.LoomSupport;
import org.fibers.internal.Threads;
import org.fibers.scheduler.Scheduler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Park/unpark hand-off between two threads, one score per round trip (ping wakes pong, pong
 * wakes ping), with the same {@link PingPong} code on each scheduler:
 * <ul>
 *   <li>{@code fibers_p1}: two fibers on one of our schedulers with parallelism 1 (the target);</li>
 *   <li>{@code fibers_p2}: the same with parallelism 2, for information. It is bimodal: when
 *       both fibers end up on one carrier it costs about what p1 costs; when the idle peer
 *       has stolen one of them, every hand-off crosses carriers and costs several times more;</li>
 *   <li>{@code floor}: two virtual threads on {@link FloorExecutor} (the Loom floor);</li>
 *   <li>{@code vtDefault_p2} / {@code vtDefault_p1}: two virtual threads on the JDK's default
 *       scheduler with 2 carriers / 1 carrier (separate forks: the property is read once).</li>
 * </ul>
 * Each invocation creates the pair and runs {@link #ROUNDS} round trips; creating and joining
 * the pair is amortised over them. Run: {@code java -jar benchmarks.jar 'core.HandOff'}.
 * On a busy machine, {@link Interleaved} gives steadier ratios to the floor.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {OPENS, NATIVE, XMS, XMX, VT_P2})
public class HandOff {
    /** Round trips per invocation. */
    public static final int ROUNDS = 100_000;

    /** One of our schedulers, alive for the whole trial; each invocation is a Fibers.run on it. */
    @State(Scope.Benchmark)
    public static class FibersP1 {
        Scheduler scheduler;

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
    public static class Floor {
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
    @OperationsPerInvocation(ROUNDS)
    public long fibers_p1(FibersP1 state) {
        return onFibers(state.scheduler);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long fibers_p2(FibersP2 state) {
        return onFibers(state.scheduler);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long floor(Floor state) {
        PingPong pp = new PingPong(ROUNDS);
        Thread pong = LoomSupport.newVirtualThread(state.executor, pp::pong);
        Thread ping = LoomSupport.newVirtualThread(state.executor, pp::ping);
        return runPair(pp, ping, pong);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long vtDefault_p2() {
        return onDefaultScheduler();
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    @Fork(value = 1, jvmArgsAppend = {OPENS, NATIVE, XMS, XMX, VT_P1})
    public long vtDefault_p1() {
        return onDefaultScheduler();
    }

    static long onFibers(Scheduler scheduler) {
        return PingPong.onFibers(scheduler, ROUNDS);
    }

    static long onDefaultScheduler() {
        PingPong pp = new PingPong(ROUNDS);
        Thread pong = Thread.ofVirtual().unstarted(pp::pong);
        Thread ping = Thread.ofVirtual().unstarted(pp::ping);
        return runPair(pp, ping, pong);
    }

    private static long runPair(PingPong pp, Thread ping, Thread pong) {
        pp.pong = pong;
        pong.start();
        ping.start();
        joinUninterruptibly(ping);
        joinUninterruptibly(pong);
        return pp.checksum;
    }

    static void joinUninterruptibly(Thread t) {
        Threads.joinUninterruptibly(t);
    }
}
