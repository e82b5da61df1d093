package org.fibers.io.blocking;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fibers.FiberCancelledException;
import org.fibers.operations.BaseOperation;
import org.fibers.operations.OpState;
import org.fibers.operations.Operation;
import org.fibers.operations.Resumer;
import org.fibers.scheduler.Scheduler;

/**
 * A pool of daemon platform threads for blocking calls. From a fiber (any virtual thread),
 * {@link #call} runs the work on the pool and suspends the fiber until it is done, so the
 * carrier keeps running other fibers; from a platform thread it runs the work inline.
 * {@link #operation} offers the same as an {@link Operation}.
 *
 * <p>If the waiting fiber is cancelled, or its operation loses a choice, the work is cancelled
 * (its pool thread interrupted if it has started) and its result dropped. Thread-safe.
 */
public final class BlockingPool {
    /*
     * Implementation notes. call() from a fiber suspends it with Scheduler.suspendCurrentTask:
     * the work goes to the pool inside the after-suspend callback, and the pool thread records
     * the outcome, then runs the resume handle (which publishes it with a volatile write and
     * unparks the fiber). The work is a FutureTask, so cancelling it (the fiber was cancelled)
     * interrupts the pool thread only while that very work runs. operation() is a base
     * operation whose block function submits the work; the work commits with trySync(): W->S
     * delivers its result, S (the perform completed elsewhere or was withdrawn) drops it, and a
     * work item that finds the perform already S before starting skips the work altogether.
     */
    private static final int CPUS = Runtime.getRuntime().availableProcessors();
    private static final BlockingPool FILES =
            new BlockingPool("fibers-files", Integer.getInteger("fibers.io.fileThreads", Math.max(4, 2 * CPUS)));
    private static final BlockingPool RESOLVER =
            new BlockingPool("fibers-resolver", Integer.getInteger("fibers.io.resolverThreads", 4));

    private final ThreadPoolExecutor executor;
    private final String name;

    /**
     * A pool of at most {@code threads} threads named {@code name-N}; idle threads exit after 30 s.
     * Thread-safe.
     *
     * @param name the prefix of the threads' names
     * @param threads the most threads it runs at once; more work waits in a queue
     * @throws IllegalArgumentException if {@code threads} is less than 1
     */
    public BlockingPool(String name, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive: " + threads);
        }
        this.name = Objects.requireNonNull(name, "name");
        AtomicInteger ids = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, name + "-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * The shared pool for file I/O ({@code -Dfibers.io.fileThreads}, default max(4, 2 x cores)).
     *
     * @return the file pool, one per JVM
     */
    public static BlockingPool files() {
        return FILES;
    }

    /**
     * The shared pool for name resolution ({@code -Dfibers.io.resolverThreads}, default 4).
     *
     * @return the resolver pool, one per JVM
     */
    public static BlockingPool resolver() {
        return RESOLVER;
    }

    /**
     * A blocking call that may throw a checked exception of type {@code X}.
     *
     * @param <T> the type of the call's result
     * @param <X> the checked exception it may throw
     */
    @FunctionalInterface
    public interface BlockingCall<T, X extends Exception> {
        /**
         * Does the blocking work.
         *
         * @return its result
         * @throws X what the work throws
         */
        T call() throws X;
    }

    /**
     * Runs {@code work} on this pool and waits for it, suspending the calling fiber; on a platform
     * thread runs it inline. Exceptions of the work are rethrown as they are.
     *
     * @param <T> the type of the work's result
     * @param <X> the checked exception the work may throw
     * @param work what to run on a pool thread
     * @return the work's result
     * @throws X what the work threw
     * @throws org.fibers.FiberCancelledException if the fiber is cancelled while waiting (the
     *         work is then cancelled too, interrupting its pool thread)
     */
    @SuppressWarnings("unchecked")
    public <T, X extends Exception> T call(BlockingCall<T, X> work) throws X {
        Objects.requireNonNull(work, "work");
        if (!Thread.currentThread().isVirtual()) {
            return work.call();
        }
        Call<T> c = new Call<>(work);
        try {
            Scheduler.suspendCurrentTask((scheduler, resume) -> {
                c.resume = resume;
                executor.execute(c.task); // the pool thread resumes us when the work is done
            });
        } catch (FiberCancelledException e) {
            c.task.cancel(true);
            throw e;
        }
        Object raw = c.outcome;
        if (raw instanceof Failure f) {
            Throwable t = f.cause;
            throwIfUnchecked(t);
            throw (X) t; // the only checked exception work.call() can throw is an X
        }
        return (T) raw;
    }

    /**
     * An operation that runs {@code work} on this pool each time it is performed (also from a
     * platform thread, which it blocks), and completes with its result; composes with
     * {@link Operation#choice}, for example with a timeout. When it loses, its work is
     * cancelled. A failure surfaces as the exception itself if unchecked, as an
     * {@link UncheckedIOException} for an {@link IOException}, else as a
     * {@link CompletionException}.
     *
     * @param <T> the type of the work's result
     * @param work what to run on a pool thread at each perform
     * @return the operation
     */
    public <T> Operation<T> operation(Callable<? extends T> work) {
        Objects.requireNonNull(work, "work");
        return new Offloaded(this, work).wrap(BlockingPool::unwrap);
    }

    @SuppressWarnings("unchecked")
    private static <T> T unwrap(Object raw) {
        if (raw instanceof Failure f) {
            Throwable t = f.cause;
            throwIfUnchecked(t);
            if (t instanceof IOException io) {
                throw new UncheckedIOException(io.getMessage(), io);
            }
            throw new CompletionException(t);
        }
        return (T) raw;
    }

    /** Rethrows {@code t} as it is when it is a RuntimeException or an Error. */
    private static void throwIfUnchecked(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }

    /** Stops accepting work; running work completes. */
    public void shutdown() {
        executor.shutdown();
    }

    @Override
    public String toString() {
        return "BlockingPool[" + name + ", " + executor.getPoolSize() + " threads, "
                + executor.getQueue().size() + " queued]";
    }

    /** The work's exception, as a raw result. */
    private record Failure(Throwable cause) {
    }

    /**
     * The base operation: nothing to try; blocking submits the work, whose completion commits
     * the perform; the withdraw action cancels the work.
     */
    private static final class Offloaded extends BaseOperation<Object> {
        private final BlockingPool pool;
        private final Callable<?> work;

        Offloaded(BlockingPool pool, Callable<?> work) {
            this.pool = pool;
            this.work = work;
        }

        @Override
        protected Object tryPerform() {
            return NOT_READY; // the work has not run yet
        }

        @Override
        protected Runnable block(OpState state, Resumer<? super Object> resume) {
            FutureTask<Void> task = new FutureTask<>(() -> {
                if (state.isSynced()) {
                    return null; // another branch won before we started: skip the work
                }
                Object raw;
                try {
                    raw = work.call();
                } catch (Throwable t) {
                    raw = new Failure(t);
                }
                if (state.trySync()) { // W->S: our result completes the perform
                    resume.resume(raw);
                }
                // else S: lost to another branch or withdrawn; drop the result
                return null;
            });
            pool.executor.execute(task);
            return () -> task.cancel(true);
        }
    }

    /** One offloaded call: runs the work, records the outcome, resumes the fiber. */
    private static final class Call<T> implements Callable<Void> {
        private final BlockingCall<T, ? extends Exception> work;
        /** FutureTask gives safe cancellation: it interrupts the pool thread only while this call runs. */
        final FutureTask<Void> task = new FutureTask<>(this);
        /** Set by the fiber before the task is submitted. */
        Runnable resume;
        /** The work's value or a Failure; written before resume runs, which publishes it. */
        Object outcome;

        Call(BlockingCall<T, ? extends Exception> work) {
            this.work = work;
        }

        @Override
        public Void call() {
            Object raw;
            try {
                raw = work.call();
            } catch (Throwable t) {
                raw = new Failure(t);
            }
            outcome = raw;
            resume.run();
            return null;
        }
    }
}
