package org.fibers.diagnostics;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.channels.Channel;

/**
 * A child JVM for {@link ThreadDumpStressTest}: fibers (or default virtual threads) hand off
 * over channels (or {@code SynchronousQueue}) on several carriers while this process takes
 * thread dumps of itself by the in-process paths a tool or a console uses.
 *
 * <p>Arguments: {@code fibers|vthreads SECONDS DUMPS KINDS}, where KINDS is a comma list of
 * {@code snapshot-text} and {@code snapshot-json} (HotSpotDiagnosticMXBean.dumpThreads, the
 * code behind {@code jcmd Thread.dump_to_file}), {@code all-stack-traces}
 * (Thread.getAllStackTraces), {@code mxbean} (ThreadMXBean.dumpAllThreads) and
 * {@code fiber-stacks} (Thread.getStackTrace of each worker thread). It prints
 * {@code ready PID} once the load runs (the parent may then run {@code jcmd} on it too), and
 * {@code done D dumps, R round trips} at the end; a crash of the JVM shows as a missing line and
 * a non-zero exit.
 */
public final class ThreadDumpLoad {
    private static final int PAIRS = 8;

    private ThreadDumpLoad() {
    }

    public static void main(String[] args) throws Exception {
        boolean fibers = args[0].equals("fibers");
        long deadline = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
        int maxDumps = Integer.parseInt(args[2]);
        List<String> kinds = List.of(args[3].split(","));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong trips = new AtomicLong();
        Set workers = new Set();
        Thread load = fibers ? fiberLoad(stop, trips, workers) : virtualThreadLoad(stop, trips, workers);
        while (trips.get() < 1000) {
            Thread.sleep(1);
        }
        System.out.println("ready " + ProcessHandle.current().pid());
        int dumps = 0;
        Path dir = Files.createTempDirectory("fibers-dumps");
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        while (dumps < maxDumps && System.nanoTime() - deadline < 0) {
            String kind = kinds.get(dumps % kinds.size());
            switch (kind) {
                case "snapshot-text", "snapshot-json" -> {
                    Path file = dir.resolve("dump-" + dumps + (kind.endsWith("json") ? ".json" : ".txt"));
                    hotspot.dumpThreads(file.toString(), kind.endsWith("json")
                            ? HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON
                            : HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
                    Files.delete(file);
                }
                case "all-stack-traces" -> Thread.getAllStackTraces();
                case "mxbean" -> threads.dumpAllThreads(true, true);
                case "fiber-stacks" -> {
                    for (Thread t : workers.snapshot()) {
                        t.getStackTrace();
                    }
                }
                default -> throw new IllegalArgumentException("unknown dump kind: " + kind);
            }
            dumps++;
        }
        stop.set(true);
        load.join(30_000);
        Files.deleteIfExists(dir);
        if (load.isAlive()) {
            // a lost wake-up or a stuck fiber: show where everything is and fail
            System.out.println("load did not stop within 30 s after " + dumps + " dumps");
            for (Thread t : workers.snapshot()) {
                System.out.println(t + " " + t.getState());
                for (StackTraceElement e : t.getStackTrace()) {
                    System.out.println("    at " + e);
                }
            }
            Thread.getAllStackTraces().forEach((t, stack) -> {
                System.out.println(t);
                for (StackTraceElement e : stack) {
                    System.out.println("    at " + e);
                }
            });
            System.out.flush();
            Runtime.getRuntime().halt(3);
        }
        System.out.println("done " + dumps + " dumps, " + trips.get() + " round trips");
    }

    /** PAIRS ping-pong pairs and a spawn churn on three peer schedulers, run from a platform thread. */
    private static Thread fiberLoad(AtomicBoolean stop, AtomicLong trips, Set workers) {
        Thread t = new Thread(() -> Fibers.run(RunOptions.builder().parallelism(3).build(), () -> {
            List<Fiber<Void>> all = new ArrayList<>();
            for (int p = 0; p < PAIRS; p++) {
                Channel<Integer> ping = new Channel<>();
                Channel<Integer> pong = new Channel<>();
                all.add(Fibers.spawn(() -> {
                    workers.add(Thread.currentThread());
                    for (int i = 0; !stop.get(); i++) {
                        ping.put(i);
                        pong.get();
                        trips.incrementAndGet();
                    }
                    ping.put(-1);
                }));
                all.add(Fibers.spawn(() -> {
                    workers.add(Thread.currentThread());
                    while (ping.get() >= 0) {
                        pong.put(0);
                    }
                }));
            }
            all.add(Fibers.spawn(() -> {
                while (!stop.get()) {
                    Fibers.spawn(() -> Fibers.yieldNow()).join();
                }
            }));
            for (Fiber<Void> f : all) {
                f.join();
            }
            return null;
        }), "fibers-load");
        t.start();
        return t;
    }

    /** The same load on the JDK's default virtual-thread scheduler over SynchronousQueue. */
    private static Thread virtualThreadLoad(AtomicBoolean stop, AtomicLong trips, Set workers) {
        Thread t = new Thread(() -> {
            List<Thread> all = new ArrayList<>();
            for (int p = 0; p < PAIRS; p++) {
                SynchronousQueue<Integer> ping = new SynchronousQueue<>();
                SynchronousQueue<Integer> pong = new SynchronousQueue<>();
                all.add(Thread.ofVirtual().start(() -> {
                    workers.add(Thread.currentThread());
                    try {
                        for (int i = 0; !stop.get(); i++) {
                            ping.put(i);
                            pong.take();
                            trips.incrementAndGet();
                        }
                        ping.put(-1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
                all.add(Thread.ofVirtual().start(() -> {
                    workers.add(Thread.currentThread());
                    try {
                        while (ping.take() >= 0) {
                            pong.put(0);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            all.add(Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    try {
                        Thread.ofVirtual().start(Thread::yield).join();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
            for (Thread w : all) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "vthreads-load");
        t.start();
        return t;
    }

    /** The worker threads whose stacks {@code fiber-stacks} takes. */
    private static final class Set {
        private final ConcurrentHashMap<Thread, Boolean> threads = new ConcurrentHashMap<>();

        void add(Thread t) {
            threads.put(t, Boolean.TRUE);
        }

        List<Thread> snapshot() {
            return new ArrayList<>(threads.keySet());
        }
    }
}
