package org.fibers.benchmarks.core;

import static org.fibers.benchmarks.core.BenchFlags.NATIVE;
import static org.fibers.benchmarks.core.BenchFlags.OPENS;
import static org.fibers.benchmarks.core.BenchFlags.VT_P2;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link SpawnJoin} with the JVM's default heap, so the collector's work with up to a million
 * live threads is part of the score: the setup of the core issue's target (default virtual
 * threads at about 400-500 ns per thread on a 2-core machine). Here the runtime's scheduling
 * policy shows: default virtual threads run spawned threads on the second carrier while the
 * spawner goes on, and a fiber that spawns a backlog yields to its children (with hz &gt; 0), so
 * neither keeps a million unstarted threads alive the way the floor executor does. Run:
 * {@code java -jar benchmarks.jar 'core.SpawnJoinDefaultHeap'}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {OPENS, NATIVE, VT_P2})
public class SpawnJoinDefaultHeap {
    @Benchmark
    @OperationsPerInvocation(SpawnJoin.N)
    public int fibers_p1(SpawnJoin.FibersP1 state) {
        return SpawnJoin.onFibers(state);
    }

    @Benchmark
    @OperationsPerInvocation(SpawnJoin.N)
    public int fibers_p2(SpawnJoin.FibersP2 state) {
        return SpawnJoin.onFibers(state);
    }

    @Benchmark
    @OperationsPerInvocation(SpawnJoin.N)
    public int floor(SpawnJoin.Floor state) {
        return SpawnJoin.onFloor(state.executor, state.threads);
    }

    @Benchmark
    @OperationsPerInvocation(SpawnJoin.N)
    public int vtDefault_p2(SpawnJoin.Threads state) {
        return SpawnJoin.onDefaultScheduler(state.threads);
    }
}
