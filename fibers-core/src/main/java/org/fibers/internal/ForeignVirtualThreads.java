package org.fibers.internal;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Carriers for virtual threads that code running in a fiber starts itself. Not API.
 *
 * <pre>
 * Implementation notes
 *
 * A virtual thread built without a scheduler of its own inherits its creator's when the
 * creator is a virtual thread (the JDK's VirtualThread constructor). Inside a fiber that is
 * the fiber's one-continuation executor, so Thread.ofVirtual().start(...), a
 * newVirtualThreadPerTaskExecutor(), and the JDK's own socket pollers started on first use
 * from a fiber would all hand their continuations to it. Such a thread is no fiber (no task,
 * no owner scheduler, no cancellation), so its continuation is run here instead: a
 * ForkJoinPool in async (FIFO) mode, as the JDK's default scheduler is, with one daemon worker
 * per core, made on first use. Nothing on a fiber's own path touches it.
 * </pre>
 */
public final class ForeignVirtualThreads {
    private ForeignVirtualThreads() {
    }

    /** The pool, made when the first foreign continuation arrives. */
    private static final class Holder {
        private static final AtomicInteger NEXT = new AtomicInteger();
        static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors(), pool -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("fibers-foreign-vthread-carrier-" + NEXT.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, null, true);
    }

    /**
     * Runs a continuation of a virtual thread that is not a fiber but was handed to a fiber's
     * executor because a fiber created it.
     *
     * @param continuation the virtual thread's continuation, as the JDK hands it to a scheduler
     */
    public static void execute(Runnable continuation) {
        Holder.POOL.execute(continuation);
    }
}
