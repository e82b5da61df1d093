package org.fibers.scheduler;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.fibers.FiberCancelledException;

/**
 * Guile's {@code suspend-current-task}, behind {@link Scheduler#suspendCurrentTask}: the caller
 * parks until the runnable it handed out is run, by any thread, once or more.
 *
 * <pre>
 * Implementation notes
 *
 * The resumption is a one-way flag plus an unpark. The resumer sets resumed (volatile) before
 * it unparks, and the suspended thread re-reads it after every return from park, so a resume
 * that comes before the park, during it or spuriously around it is never lost: LockSupport
 * keeps a permit for an unpark that precedes the park. Run twice, the second run finds the flag
 * set already and its unpark is a harmless extra permit.
 * </pre>
 */
final class Suspension {
    private Suspension() {
    }

    /** See {@link Scheduler#suspendCurrentTask}. */
    static void suspend(BiConsumer<Scheduler, Runnable> afterSuspend) {
        Resumption resumption = new Resumption(Thread.currentThread());
        afterSuspend.accept(Scheduler.current(), resumption);
        while (!resumption.resumed) {
            LockSupport.park(resumption);
            if (!resumption.resumed && Thread.currentThread().isInterrupted()) {
                throw new FiberCancelledException("interrupted while suspended");
            }
        }
    }

    /** The resume handle given out to the callback. */
    private static final class Resumption implements Runnable {
        private final Thread thread;
        /** <pre>  false --run()--> true (final) </pre> */
        volatile boolean resumed;

        Resumption(Thread thread) {
            this.thread = thread;
        }

        @Override
        public void run() {
            resumed = true;
            LockSupport.unpark(thread);
        }
    }
}
