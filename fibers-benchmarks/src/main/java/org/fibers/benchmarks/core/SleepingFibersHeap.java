package org.fibers.benchmarks.core;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fibers.Fibers;
import org.fibers.RunOptions;

/**
 * Heap footprint of many fibers asleep at once: inside {@code Fibers.run}, spawns N fibers
 * (default 1,000,000) that each sleep until one common deadline, waits until all are asleep,
 * forces a full GC and prints the used heap against the baseline taken before spawning; then
 * waits (bounded) for all of them to wake and finish.
 *
 * <pre>
 * java --add-opens=java.base/java.lang=ALL-UNNAMED -Xmx2g \
 *      -cp fibers-benchmarks/target/benchmarks.jar org.fibers.benchmarks.core.SleepingFibersHeap [N] [parallelism]
 * </pre>
 * Exit status 0 when every fiber woke within the bound and the heap stayed under the target
 * (1.5 GiB), 1 otherwise.
 */
public final class SleepingFibersHeap {
    static final long TARGET_BYTES = 3L << 29; // 1.5 GiB
    /** How long after the common deadline all fibers must have woken. */
    static final Duration WAKE_BOUND = Duration.ofSeconds(60);
    static final Duration ASLEEP_BOUND = Duration.ofSeconds(120);

    private SleepingFibersHeap() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
        int parallelism = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.out.printf("Java %s, max heap %s, %d fibers, parallelism %d%n",
                Runtime.version(), mib(Runtime.getRuntime().maxMemory()), n, parallelism);

        AtomicInteger asleep = new AtomicInteger();
        AtomicInteger woken = new AtomicInteger();
        boolean ok = Fibers.run(RunOptions.builder().parallelism(parallelism).build(), () -> {
            long baseline = usedAfterGc(memory);
            // Every fiber sleeps until the same deadline, far enough to spawn them all and measure.
            long t0 = System.nanoTime();
            long deadline = t0 + TimeUnit.SECONDS.toNanos(15) + n * 5_000L; // + 5 s per million
            for (int i = 0; i < n; i++) {
                Fibers.spawn(() -> {
                    asleep.incrementAndGet();
                    Fibers.sleep(Duration.ofNanos(deadline - System.nanoTime()));
                    woken.incrementAndGet();
                });
            }
            long spawned = System.nanoTime();
            while (asleep.get() < n && System.nanoTime() - t0 < ASLEEP_BOUND.toNanos()) {
                Fibers.sleep(Duration.ofMillis(10));
            }
            long allAsleep = System.nanoTime();
            if (asleep.get() < n) {
                System.out.printf("FAIL: only %d of %d fibers asleep after %s%n", asleep.get(), n, ASLEEP_BOUND);
                return false;
            }
            long used = usedAfterGc(memory);
            long measured = System.nanoTime();
            long delta = used - baseline;
            System.out.printf("spawned %d fibers in %d ms, all asleep after %d ms%n",
                    n, ms(spawned - t0), ms(allAsleep - t0));
            System.out.printf("used heap after full GC: baseline %s, with %d sleeping fibers %s, delta %s (%d bytes per fiber)%n",
                    mib(baseline), n, mib(used), mib(delta), delta / n);
            System.out.printf("target < 1536 MiB: %s%n", used < TARGET_BYTES ? "met" : "MISSED");
            if (measured > deadline) {
                System.out.printf("note: measuring took past the common deadline by %d ms; fibers woke meanwhile%n",
                        ms(measured - deadline));
            }
            long bound = deadline + WAKE_BOUND.toNanos();
            while (woken.get() < n && System.nanoTime() - bound < 0) {
                Fibers.sleep(Duration.ofMillis(10));
            }
            long done = System.nanoTime();
            if (woken.get() < n) {
                System.out.printf("FAIL: only %d of %d fibers woke within %s of their deadline%n", woken.get(), n, WAKE_BOUND);
                return false;
            }
            System.out.printf("all %d fibers woke and finished %d ms after the common deadline%n",
                    n, ms(done - Math.max(deadline, measured)));
            return used < TARGET_BYTES;
        });
        System.exit(ok ? 0 : 1);
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
