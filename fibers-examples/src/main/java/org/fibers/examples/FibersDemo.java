package org.fibers.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.scheduler.Scheduler;

/**
 * A tour of the core runtime: spawns N fibers across the peers, lets each sleep a little on
 * its scheduler's timers, joins them all, and prints what each scheduler did.
 *
 * <pre>  demo [fibers] [parallelism]   (defaults: 100000 fibers, all processors)</pre>
 */
public final class FibersDemo {
    private FibersDemo() {
    }

    /**
     * The command-line entry point: spawns the fibers, joins them and prints what it took.
     *
     * @param args {@code [fibers] [parallelism]}
     */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int parallelism = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        long start = System.nanoTime();
        String report = Fibers.run(RunOptions.builder().parallelism(parallelism).build(), () -> {
            Scheduler main = Scheduler.current();
            List<Fiber<Integer>> fibers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int id = i;
                fibers.add(Fibers.spawn(() -> {
                    Fibers.sleep(Duration.ofMillis(id % 100));
                    return id;
                }, main, true));
            }
            long sum = 0;
            for (Fiber<Integer> f : fibers) {
                sum += f.join();
            }
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%d fibers slept 0-99 ms each and were joined; sum of ids %d%n", n, sum));
            for (Scheduler s : main.peers()) {
                sb.append(String.format(Locale.ROOT, "  %s: %d turns, %d tasks stolen from peers%n",
                        s, s.runcount(), s.stolenTasks()));
            }
            return sb.toString();
        });
        System.out.print(report);
        System.out.printf(Locale.ROOT, "elapsed %.1f ms on %d scheduler(s)%n", (System.nanoTime() - start) / 1e6, parallelism);
    }
}
