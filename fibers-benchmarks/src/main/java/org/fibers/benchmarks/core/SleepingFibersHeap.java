package org.fibers.benchmarks.core;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fibers.Fiber;
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
 *      -cp fibers-benchmarks/target/benchmarks.jar org.fibers.benchmarks.core.SleepingFibersHeap [N] [parallelism] [cold]
 * </pre>
 * Before the measured batch, a few rounds of small batches sleep and wake, so that the JIT has
 * seen fibers wake up. With {@code cold} that warm-up is skipped: the JIT then compiles the
 * sleeping path without ever having seen a wake-up, and every one of the N fibers
 * deoptimises its frozen frames when it resumes (Fibers.sleep: unstable_if; Fiber.runBody:
 * unloaded call site), which makes the wake-up phase some 10-20x slower; see
 * {@code -Xlog:deoptimization=debug}.
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
        boolean cold = args.length > 2 && args[2].equals("cold");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.out.printf("Java %s, max heap %s, %d fibers, parallelism %d%s%n",
                Runtime.version(), mib(Runtime.getRuntime().maxMemory()), n, parallelism, cold ? ", cold JIT" : "");

        AtomicInteger asleep = new AtomicInteger();
        AtomicInteger woken = new AtomicInteger();
        boolean ok = Fibers.run(RunOptions.builder().parallelism(parallelism).build(), () -> {
            if (!cold) {
                warmUp(asleep, woken);
            }
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
            long nextReport = deadline + TimeUnit.SECONDS.toNanos(1);
            while (woken.get() < n && System.nanoTime() - bound < 0) {
                Fibers.sleep(Duration.ofMillis(10));
                long now = System.nanoTime();
                if (now - nextReport >= 0) {
                    System.out.printf("  %d ms after the deadline: %d woken%n", ms(now - deadline), woken.get());
                    nextReport += TimeUnit.SECONDS.toNanos(1);
                }
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

    /** Rounds of fibers that sleep and wake through the same code as the measured batch. */
    private static void warmUp(AtomicInteger asleep, AtomicInteger woken) {
        long t0 = System.nanoTime();
        for (int round = 0; round < 30; round++) {
            int batch = 20_000;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            Fiber<?>[] fibers = new Fiber<?>[batch];
            for (int i = 0; i < batch; i++) {
                fibers[i] = Fibers.spawn(() -> {
                    asleep.incrementAndGet();
                    Fibers.sleep(Duration.ofNanos(deadline - System.nanoTime()));
                    woken.incrementAndGet();
                });
            }
            for (Fiber<?> f : fibers) {
                f.join();
            }
        }
        asleep.set(0);
        woken.set(0);
        System.out.printf("warm-up: 30 rounds of 20000 fibers sleeping and waking in %d ms%n", ms(System.nanoTime() - t0));
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        System.gc(); // a full collection with G1 (it takes seconds with a million fibers' stacks)
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
