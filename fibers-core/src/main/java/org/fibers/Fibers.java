package org.fibers;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.fibers.internal.Threads;
import org.fibers.introspect.DescribesWait;
import org.fibers.introspect.WaitDescription;
import org.fibers.scheduler.Scheduler;
import org.fibers.scheduler.TimerHandle;

/**
 * Entry points of Guile's {@code (fibers)} module: {@link #run run-fibers},
 * {@link #spawn spawn-fiber}, {@link #sleep sleep}, {@link #yieldNow yield-current-task}.
 *
 * <p>Operations work inside and outside fibers: inside, they suspend the fiber; outside, they
 * block the calling thread. Blocking calls throw no checked exceptions; cancellation or
 * interruption surfaces as {@link FiberCancelledException} with the interrupt status left set.
 */
public final class Fibers {
    private Fibers() {
    }

    /**
     * {@link #run(RunOptions, Callable)} with {@link RunOptions#defaults()}: one scheduler per
     * core, preemption at 100 Hz, no drain.
     *
     * @param <T> the type of init's value
     * @param init the first fiber's body
     * @return init's value
     * @throws FiberFailedException init threw (the cause)
     * @throws FiberCancelledException init was cancelled
     */
    public static <T> T run(Callable<T> init) {
        return run(RunOptions.defaults(), init);
    }

    /**
     * Guile's {@code run-fibers}: runs {@code init} as a fiber on a new scheduler (or the one in
     * the options) whose loop runs on the calling thread, with its peers on new threads, and
     * returns init's value once it returns (and, with {@code drain}, once no fiber, task or
     * timer is left).
     *
     * <p>Failures follow the one rule of {@link Fiber#join()} and {@link FiberScope#join()}:
     * an exception or error thrown by init reaches the caller as {@link FiberFailedException}
     * whose cause is that throwable (so a child's failure that init let escape from its own
     * {@code join} arrives as init's failure, its cause chain intact), and a cancelled init as
     * {@link FiberCancelledException}.
     *
     * <p>{@code run} is a scope for the fibers of its scheduler group: without drain, the
     * fibers still alive when init returns are cancelled (a suspended one wakes with
     * {@link FiberCancelledException}; a running one sees it at its next suspension point;
     * one that has not started yet starts interrupted), and {@code run} returns once they
     * have all ended, so their cleanup runs. A fiber that ignores cancellation and blocks
     * again keeps {@code run} waiting. Called from a fiber or virtual thread, the schedulers
     * run on a new platform thread while the caller waits.
     *
     * @param <T> the type of init's value
     * @param options parallelism, preemption rate, drain, an existing scheduler, the
     *        uncaught-exception handler
     * @param init the first fiber's body
     * @return init's value
     * @throws FiberFailedException init threw (the cause)
     * @throws FiberCancelledException init was cancelled
     */
    public static <T> T run(RunOptions options, Callable<T> init) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(init, "init");
        if (Thread.currentThread().isVirtual() || Scheduler.current() != null) {
            return runOnPlatformThread(options, init);
        }
        Scheduler main = options.scheduler() != null ? options.scheduler() : Scheduler.create(options.parallelism());
        boolean owned = options.scheduler() == null;
        try {
            if (owned || options.hzWasSet()) {
                main.setHz(options.hz());
            }
            if (options.uncaughtExceptionHandler() != null) {
                main.setUncaughtExceptionHandler(options.uncaughtExceptionHandler());
            }
            Fiber<T> root = Fiber.start(main, init, false);
            root.onDone(main::wakeup);
            main.runWithPeers(root::isDone, options.drain());
            FailureReport.flushFor(main); // failures nobody joined: reported now, once
            if (!root.isDone()) {
                throw new IllegalStateException(main + " was closed before init returned");
            }
            return root.join(); // the one failure rule: FiberFailedException with the cause, as join
        } finally {
            if (owned) {
                main.close();
            }
        }
    }

    private static <T> T runOnPlatformThread(RunOptions options, Callable<T> init) {
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                outcome.set(new Object[] {run(options, init)});
            } catch (Throwable e) {
                outcome.set(e);
            }
        }, "fibers-run");
        t.start();
        Threads.joinUninterruptibly(t);
        Object o = outcome.get();
        if (o instanceof RuntimeException e) {
            throw e;
        }
        if (o instanceof Error e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        T value = (T) ((Object[]) o)[0];
        return value;
    }

    /**
     * Guile's {@code spawn-fiber}: starts {@code task} as a fiber on the current scheduler.
     * With preemption on, a fiber that spawns while a backlog of tasks waits on its carrier
     * yields here first (see {@link Scheduler#spawnPoint()}). The fiber is named
     * {@code fiber-ID}; its failure, unless joined, is reported as uncaught (see {@link Fiber}).
     *
     * @param task what the fiber runs
     * @return the started fiber
     * @throws IllegalStateException when no scheduler is current (outside {@link #run})
     */
    public static Fiber<Void> spawn(Runnable task) {
        Objects.requireNonNull(task, "task");
        Scheduler here = requireCurrent();
        Fiber<Void> f = Fiber.startRunnable(here, task);
        here.spawnPointHere();
        return f;
    }

    /**
     * Starts {@code task} as a fiber on the current scheduler, as {@link #spawn(Runnable)} does.
     *
     * @param <T> the type of the task's result
     * @param task what the fiber runs; {@link Fiber#join()} returns its value
     * @return the started fiber
     * @throws IllegalStateException when no scheduler is current (outside {@link #run})
     */
    public static <T> Fiber<T> spawn(Callable<T> task) {
        Scheduler here = requireCurrent();
        Fiber<T> f = Fiber.start(here, task, true);
        here.spawnPointHere();
        return f;
    }

    /**
     * As {@link #spawn(Runnable)}, with the fiber (and its virtual thread, from its first
     * instruction on) named {@code name} instead of {@code fiber-ID}, as
     * {@code Thread.ofVirtual().name(name)} names a thread; thread dumps, logs and JFR show it.
     *
     * @param name the fiber's name, not null; names need not be unique
     * @param task what the fiber runs
     * @return the started fiber
     * @throws NullPointerException if {@code name} or {@code task} is null
     * @throws IllegalStateException when no scheduler is current (outside {@link #run})
     */
    public static Fiber<Void> spawn(String name, Runnable task) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(task, "task");
        Scheduler here = requireCurrent();
        Fiber<Void> f = Fiber.startRunnable(here, task, name);
        here.spawnPointHere();
        return f;
    }

    /**
     * As {@link #spawn(Callable)}, with the fiber and its virtual thread named {@code name}
     * from the start.
     *
     * @param <T> the type of the task's result
     * @param name the fiber's name, not null; names need not be unique
     * @param task what the fiber runs; {@link Fiber#join()} returns its value
     * @return the started fiber
     * @throws NullPointerException if {@code name} or {@code task} is null
     * @throws IllegalStateException when no scheduler is current (outside {@link #run})
     */
    public static <T> Fiber<T> spawn(String name, Callable<T> task) {
        Objects.requireNonNull(name, "name");
        Scheduler here = requireCurrent();
        Fiber<T> f = Fiber.create(here, task, true, name);
        f.start();
        here.spawnPointHere();
        return f;
    }

    /**
     * Starts {@code task} as a fiber on {@code scheduler}, or, with {@code parallel}, on one of
     * its peers chosen by {@link Scheduler#chooseParallel()}. Thread-safe; works from any thread.
     *
     * @param task what the fiber runs
     * @param scheduler the scheduler to run it on (or whose group to choose from)
     * @param parallel true to let the group choose a peer (Guile's {@code #:parallel? #t})
     * @return the started fiber
     */
    public static Fiber<Void> spawn(Runnable task, Scheduler scheduler, boolean parallel) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(scheduler, "scheduler");
        Fiber<Void> f = Fiber.startRunnable(parallel ? scheduler.chooseParallel() : scheduler, task);
        Scheduler.spawnPoint();
        return f;
    }

    /**
     * Starts {@code task} on {@code scheduler} or, with {@code parallel}, on a chosen peer.
     * Thread-safe; works from any thread.
     *
     * @param <T> the type of the task's result
     * @param task what the fiber runs; {@link Fiber#join()} returns its value
     * @param scheduler the scheduler to run it on (or whose group to choose from)
     * @param parallel true to let the group choose a peer
     * @return the started fiber
     */
    public static <T> Fiber<T> spawn(Callable<T> task, Scheduler scheduler, boolean parallel) {
        Objects.requireNonNull(scheduler, "scheduler");
        Fiber<T> f = Fiber.start(parallel ? scheduler.chooseParallel() : scheduler, task, true);
        Scheduler.spawnPoint();
        return f;
    }

    private static Scheduler requireCurrent() {
        Scheduler s = Scheduler.current();
        if (s == null) {
            throw new IllegalStateException("no current scheduler: spawn fibers inside Fibers.run, or pass a scheduler");
        }
        return s;
    }

    /**
     * Guile's {@code sleep}: suspends the calling fiber for {@code duration}, on its scheduler's
     * timer queue (not {@code Thread.sleep}). Outside fibers it blocks the thread. A duration of
     * zero or less just yields.
     *
     * @param duration how long to sleep
     * @throws FiberCancelledException if interrupted or cancelled meanwhile
     */
    public static void sleep(Duration duration) {

        long nanos = duration.toNanos();
        Scheduler s = Thread.currentThread().isVirtual() ? Scheduler.current() : null;
        if (s == null) {
            sleepThread(nanos);
            return;
        }
        Scheduler.preemptionPoint();
        if (nanos <= 0) {
            yieldNow();
            return;
        }
        long deadline = System.nanoTime() + nanos;
        Wakeup wakeup = new Wakeup(Thread.currentThread(), deadline);
        TimerHandle timer = s.scheduleAt(deadline, wakeup);
        while (!wakeup.fired) {
            LockSupport.park(wakeup);
            if (!wakeup.fired && Thread.currentThread().isInterrupted()) {
                timer.cancel();
                throw new FiberCancelledException("interrupted while sleeping");
            }
        }
    }

    private static void sleepThread(long nanos) {
        if (nanos <= 0) {
            yieldNow();
            return;
        }
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FiberCancelledException("interrupted while sleeping", e);
        }
    }

    /**
     * Guile's {@code yield-current-task}: lets the other runnable fibers of this scheduler run
     * first. Outside fibers it is {@link Thread#yield()}.
     *
     * <p>A suspension point like any other: a fiber (or thread) that is cancelled or interrupted
     * before or while it yields gets {@link FiberCancelledException}, with its interrupt status
     * left set, as Kotlin's {@code yield()} throws once its job is cancelled. So a loop of
     * {@code yieldNow()} calls ends when its scope cancels it.
     *
     * @throws FiberCancelledException if the caller is cancelled or interrupted
     */
    public static void yieldNow() {
        Thread me = Thread.currentThread();
        if (me.isInterrupted()) {
            throw new FiberCancelledException("cancelled before yieldNow()");
        }
        Thread.yield();
        if (me.isInterrupted()) {
            throw new FiberCancelledException("cancelled while yielding in yieldNow()");
        }
    }

    /** Unparks a sleeping fiber when its timer fires. */
    private static final class Wakeup implements Runnable, DescribesWait {
        private final Thread thread;
        private final long deadline;
        volatile boolean fired;

        Wakeup(Thread thread, long deadline) {
            this.thread = thread;
            this.deadline = deadline;
        }

        @Override
        public WaitDescription describeWait() {
            return WaitDescription.timer("sleep", deadline);
        }

        @Override
        public void run() {
            fired = true;
            LockSupport.unpark(thread);
        }
    }
}
