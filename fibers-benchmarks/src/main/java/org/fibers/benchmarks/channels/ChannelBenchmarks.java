package org.fibers.benchmarks.channels;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Channel costs beside their floors, in one run: nanoseconds per round trip (ping-pong) or per
 * message (choice). Run them all with the comparison table: see {@link ChannelComparison}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "-Xss1m"})
public class ChannelBenchmarks {
    /** Operations per benchmark invocation; amortises the hand-over of each batch. */
    static final int BATCH = 10_000;

    @Param({"loom-floor", "fibers-1-scheduler", "fibers-2-schedulers", "syncqueue-default-vt", "fibers-choice-4",
            "fibers-park-1-scheduler", "channel-on-floor", "kotlin-1-thread", "kotlin-default", "kotlin-select-4", "kotlin-select-4-default",
            "fibers-buffered-16", "kotlin-buffered-16", "abq-16-default-vt", "fibers-spawn-join-1-scheduler"})
    public String scenario;

    private Scenario world;

    @Setup(Level.Trial)
    public void open() {
        world = Scenario.open(scenario);
    }

    @TearDown(Level.Trial)
    public void close() {
        world.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void perOperation() {
        world.run(BATCH);
    }
}
