package org.fibers.io.poll;

import java.util.concurrent.locks.LockSupport;
import org.fibers.FiberCancelledException;

/**
 * A waiter that parks the thread that links it: a fiber is suspended, a platform thread blocks.
 * Sockets keep one per direction and reuse it for every wait.
 */
public final class ThreadWaiter extends Waiter {
    /** The thread to unpark; written before linking. */
    private Thread thread;
    /** While true, readiness events leave this waiter linked: only close and its timer end the wait. */
    private boolean ignoreReady;

    /** Set the parking thread; call before linking. */
    void bind(Thread t) {
        thread = t;
    }

    /** Makes the next waits ignore readiness events (a timed back-off that only close may cut short). */
    public void ignoreReadiness(boolean ignore) {
        ignoreReady = ignore;
    }

    @Override
    protected boolean takes(int outcome) {
        return outcome != READY || !ignoreReady;
    }

    /** The parked thread; PolledFd unparks it after releasing its lock. */
    Thread thread() {
        return thread;
    }

    @Override
    protected void fired(int outcome) {
        LockSupport.unpark(thread);
    }

    /**
     * Parks until this waiter left the WAITING state and returns the outcome. On interrupt
     * (fiber cancellation) withdraws it and throws, leaving the interrupt status set; if it was
     * fired meanwhile the outcome wins and the interrupt is seen by the next blocking call.
     *
     * @throws FiberCancelledException if interrupted while waiting
     */
    int park(PolledFd fd) {
        int s;
        while ((s = state) == WAITING) {
            if (Thread.currentThread().isInterrupted()) {
                if (fd.withdraw(this)) {
                    throw new FiberCancelledException("interrupted while waiting for " + fd);
                }
                continue; // fired meanwhile: the loop reads the outcome
            }
            LockSupport.park(this);
        }
        return s;
    }
}
