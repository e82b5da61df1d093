package org.fibers;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.fibers.scheduler.Scheduler;

/**
 * An {@link java.util.concurrent.ExecutorService} whose tasks run as fibers, so code written
 * against executors can adopt fibers unchanged: {@code submit}, {@code invokeAll},
 * {@code shutdown}, {@code shutdownNow} (cancels the running fibers), {@code awaitTermination}.
 * Tasks are spread over the scheduler's peers. {@code Future.cancel(true)} cancels the fiber.
 *
 * <p>{@link #create(int)} makes a scheduler group of its own, started on daemon threads and
 * closed when the executor terminates; {@link #on(Scheduler)} uses a running scheduler the
 * caller owns.
 */
public final class FiberExecutorService extends AbstractExecutorService {
    private final Scheduler scheduler;
    private final boolean ownsScheduler;
    private final Set<Fiber<?>> running = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition terminated = lock.newCondition();
    private volatile boolean shutdown;
    private volatile boolean isTerminated;

    private FiberExecutorService(Scheduler scheduler, boolean ownsScheduler) {
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
    }

    /**
     * {@return an executor on a new group of {@code parallelism} schedulers running on daemon
     * threads} Its {@link #shutdown()} and {@link #close()} close that group once the
     * submitted tasks have ended.
     *
     * @param parallelism how many peer schedulers (carrier threads) the group has; at least 1
     * @throws IllegalArgumentException if {@code parallelism} is less than 1
     */
    public static FiberExecutorService create(int parallelism) {
        return new FiberExecutorService(Scheduler.create(parallelism).start(), true);
    }

    /**
     * {@return an executor that runs its tasks on {@code scheduler}'s group; it does not close it}
     *
     * @param scheduler any scheduler of the group; tasks are spread over its peers
     * @throws NullPointerException if {@code scheduler} is null
     */
    public static FiberExecutorService on(Scheduler scheduler) {
        return new FiberExecutorService(Objects.requireNonNull(scheduler, "scheduler"), false);
    }

    /** {@return the scheduler this executor spawns its tasks' fibers from (its group's peers run them)} */
    public Scheduler scheduler() {

        return scheduler;
    }

    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        Fiber<Void> fiber = Fiber.create(scheduler.chooseParallel(), () -> {
            command.run();
            return null;
        }, true);
        lock.lock();
        try {
            if (shutdown) {
                throw new RejectedExecutionException("executor is shut down");
            }
            running.add(fiber);
        } finally {
            lock.unlock();
        }
        fiber.onDone(() -> finished(fiber));
        fiber.start();
    }

    private void finished(Fiber<?> fiber) {
        running.remove(fiber);
        if (shutdown && running.isEmpty()) {
            terminate();
        }
    }

    private void terminate() {
        lock.lock();
        try {
            if (isTerminated || !running.isEmpty()) {
                return;
            }
            isTerminated = true;
            terminated.signalAll();
        } finally {
            lock.unlock();
        }
        if (ownsScheduler) {
            // not from one of our own carriers: close() would wait for itself
            Thread closer = new Thread(scheduler::close, "fibers-executor-close");
            closer.setDaemon(true);
            closer.start();
        }
    }

    @Override
    public void shutdown() {
        lock.lock();
        try {
            shutdown = true;
        } finally {
            lock.unlock();
        }
        if (running.isEmpty()) {
            terminate();
        }
    }

    /** Shuts down and cancels every running fiber; returns no queued tasks (fibers start at once). */
    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        for (Fiber<?> f : new ArrayList<>(running)) {
            f.cancel();
        }
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return isTerminated;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (!isTerminated) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = terminated.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
