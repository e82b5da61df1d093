package org.fibers.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.fibers.internal.LoomSupport;
import org.fibers.internal.Threads;
import org.fibers.internal.UncaughtFailures;

/**
 * The peers made by one {@link Scheduler#create(int)}: what they share (fiber accounting, the
 * failure handler, the preemption ticker), the platform threads started for them, and their
 * run together for {@code Fibers.run} ({@link #runWithPeers}), which ends in a drain or in
 * cancelling the fibers still alive.
 */
final class SchedulerGroup {
    private static final AtomicInteger GROUP_IDS = new AtomicInteger();

    /** Default handler: log with the task's name (standard error without SLF4J), never rethrow. */
    static final BiConsumer<Object, Throwable> LOGGING_HANDLER = UncaughtFailures::report;

    final int id = GROUP_IDS.incrementAndGet();
    final Scheduler[] members;
    /**
     * Fibers started from threads that are not carriers of this group. Fibers started from a
     * carrier, and all fiber ends, are counted by the carrier itself in plain per-scheduler
     * counters, so spawning and ending cost no atomic operation.
     */
    private final AtomicLong foreignStarted = new AtomicLong();
    /** Members spinning in search of work; while one is, busy members wake nobody. */
    final AtomicInteger spinning = new AtomicInteger();
    /**
     * Smoothed time (ns) from a wakeup sent to a sleeping member to that member running again;
     * 0 until measured. Members update it racily (a lost update loses one sample).
     */
    private volatile long wakeLatencyNanos;
    /** Who hears of failures in fibers and tasks: (fiber or task, throwable). */
    volatile BiConsumer<Object, Throwable> uncaughtHandler = LOGGING_HANDLER;
    /**
     * While set, every fiber completion wakes the watcher (Fibers.run waiting to drain).
     * <pre>  null --runWithPeers, once done holds--> main --runWithPeers returns--> null </pre>
     */
    volatile Scheduler drainWatcher;
    /** The preemption ticker, or null when hz is 0. */
    private Sysmon sysmon;
    /** sysmon != null, readable without the lock: spawning a backlog is then a preemption point (Scheduler#spawnPoint). */
    volatile boolean preemptive;
    /** Platform threads this group started for peers; joined on stop. */
    private final List<Thread> peerThreads = new ArrayList<>();

    /** One wake latency sample, capped at 10 ms (a carrier thread the OS kept off its CPU). */
    void recordWakeLatency(long nanos) {
        long sample = Math.min(nanos, 10_000_000L);
        long prev = wakeLatencyNanos;
        wakeLatencyNanos = prev == 0 ? sample : prev + (sample - prev) / 8;
    }

    long wakeLatencyNanos() {
        return wakeLatencyNanos;
    }

    SchedulerGroup(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
        }
        members = new Scheduler[parallelism];
    }

    /**
     * Fibers started and not yet ended. Ends are summed before starts: a fiber counted as
     * ended was started before, so the result never undercounts what was live when the ends
     * were read, and zero means nothing was live then nor started since.
     */
    long liveFibers() {
        long ended = 0;
        for (Scheduler s : members) {
            ended += s.fiberCounts.endedCount();
        }
        long started = foreignStarted.get();
        for (Scheduler s : members) {
            started += s.fiberCounts.startedCount();
        }
        return started - ended;
    }

    /** Fibers spawned from threads that are not a carrier of this group; guarded by itself. */
    private final FiberRegistry foreignSpawns = new FiberRegistry(this::liveFibers);
    /**
     * Set when Fibers.run ends: live fibers are cancelled, and so are those started later.
     * <pre>  false --cancelAllFibers--> true --runWithPeers starts or returns--> false </pre>
     */
    volatile boolean cancelling;

    void fiberStarted(Task fiber) {
        Scheduler here = fiber.owner;
        if (!here.onCarrier()) {
            Scheduler current = Scheduler.current();
            here = current != null && current.group == this ? current : null;
        }
        if (here != null) { // on a carrier of this group: its own counter and registry
            here.fiberCounts.countStarted();
            here.registry.add(fiber);
        } else {
            foreignStarted.incrementAndGet();
            synchronized (foreignSpawns) {
                foreignSpawns.add(fiber);
            }
        }
        if (cancelling) {
            fiber.cancelTask();
        }
    }

    /**
     * Lets ended fibers go from {@code here}'s registry and the foreign-spawn registry when
     * they hold many more entries than live fibers. On {@code here}'s carrier, about to sleep.
     */
    void sweepRegistriesIfSparse(Scheduler here) {
        here.registry.sweepIfSparse();
        if (foreignSpawns.worthSweeping()) { // a racy hint; the sweep itself takes the lock
            synchronized (foreignSpawns) {
                foreignSpawns.sweepIfSparse();
            }
        }
    }

    /** Appends the live fibers spawned from outside the group (introspection). */
    void copyForeignSpawns(List<Task> out) {
        synchronized (foreignSpawns) {
            foreignSpawns.copyLiveTo(out);
        }
    }

    /** Cancels every live fiber of the group (each carrier sweeps its own registry). */
    void cancelAllFibers() {
        cancelling = true;
        synchronized (foreignSpawns) {
            foreignSpawns.cancelAll();
        }
        for (Scheduler s : members) {
            // a timer, not schedule(): it must run on this very carrier (a task could be stolen)
            s.scheduleAt(System.nanoTime(), s.registry::cancelAll);
        }
    }

    /** Called by a fiber as it ends, on the carrier of {@code where}, the scheduler running it. */
    void fiberFinished(Scheduler where) {
        where.fiberCounts.countEnded();
        Scheduler watcher = drainWatcher;
        if (watcher != null) {
            watcher.wake();
        }
    }

    void report(Object what, Throwable failure) {
        try {
            uncaughtHandler.accept(what, failure);
        } catch (Throwable handlerFailure) {
            failure.addSuppressed(handlerFailure);
            LOGGING_HANDLER.accept(what, failure);
        }
    }

    void setUncaughtHandler(BiConsumer<Object, Throwable> handler) {
        uncaughtHandler = Objects.requireNonNull(handler, "handler");
    }

    /** True when nothing is left to do anywhere in the group: for drain. */
    boolean quiescent() {
        if (liveFibers() != 0) {
            return false;
        }
        for (Scheduler s : members) {
            if (s.workPending() || s.pendingTimers() > 0 || s.timers.hasRemoteAdds()) {
                return false;
            }
        }
        return liveFibers() == 0;
    }

    /** A random member, preferring the less loaded of two random picks. */
    Scheduler choose() {
        int n = members.length;
        if (n == 1) {
            return members[0];
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        Scheduler a = members[rnd.nextInt(n)];
        Scheduler b = members[rnd.nextInt(n)];
        return a.load() <= b.load() ? a : b;
    }

    /** Starts a carrier thread for each member except {@code exclude} that is not running. */
    synchronized void startPeers(Scheduler exclude) {
        for (Scheduler s : members) {
            if (s != exclude && s.carrier == null && !s.lifecycle.isClosed()) {
                Thread t = new Thread(() -> s.lifecycle.runUntilStopped(), "fibers-" + id + "-scheduler-" + s.index);
                t.setDaemon(true);
                peerThreads.add(t);
                s.lifecycle.expectCarrier(t);
                t.start();
            }
        }
    }

    /** See {@link Scheduler#runWithPeers}: {@code main} runs on the calling thread. */
    void runWithPeers(Scheduler main, BooleanSupplier done, boolean drain) {
        Objects.requireNonNull(done, "done");
        startPeers(main);
        cancelling = false;
        try {
            main.run(() -> {
                if (!done.getAsBoolean()) {
                    return false;
                }
                drainWatcher = main; // from now on every fiber's end wakes us to re-check
                if (drain) {
                    return quiescent();
                }
                if (!cancelling) {
                    cancelAllFibers();
                }
                return liveFibers() == 0;
            });
        } finally {
            drainWatcher = null;
            cancelling = false;
            stopPeers();
        }
    }

    /** Stops and joins the peer threads this group started. */
    void stopPeers() {
        List<Thread> threads;
        synchronized (this) {
            threads = new ArrayList<>(peerThreads);
            peerThreads.clear();
        }
        for (Scheduler s : members) {
            s.lifecycle.requestStop();
        }
        for (Thread t : threads) {
            if (t != LoomSupport.currentCarrier()) { // closing from inside that carrier's loop: it exits on its own
                Threads.joinUninterruptibly(t);
            }
        }
    }

    synchronized void setHz(int hz) {
        if (hz < 0) {
            throw new IllegalArgumentException("hz must be >= 0: " + hz);
        }
        if (sysmon != null) {
            sysmon.stop();
            sysmon = null;
        }
        if (hz > 0) {
            sysmon = new Sysmon(this, hz);
            sysmon.start();
        }
        preemptive = hz > 0;
    }

    synchronized int hz() {
        return sysmon == null ? 0 : sysmon.hz;
    }

    synchronized void stopSysmon() {
        preemptive = false;
        if (sysmon != null) {
            sysmon.stop();
            sysmon = null;
        }
    }
}
