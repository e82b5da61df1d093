package org.fibers.io.poll;

import java.util.concurrent.locks.LockSupport;
import org.fibers.FiberCancelledException;
import org.fibers.introspect.DescribesWait;
import org.fibers.introspect.WaitDescription;

/**
 * A waiter that parks the thread that links it: a fiber is suspended, a platform thread blocks.
 * Sockets keep one per direction and reuse it for every wait.
 */
public final class ThreadWaiter extends Waiter implements DescribesWait {
    /*
     * Implementation notes. The owner links the waiter (PolledFd.await) and polls its volatile
     * state in a park loop; whoever fires it sets the state under the fd's lock and unparks the
     * owner afterwards. An unpark may therefore arrive late, after the owner already moved on
     * to a later wait with the same waiter: that is a spurious wake-up, which every park loop
     * here tolerates (it re-reads the state). Interrupts are checked before each park, so a
     * cancelled fiber withdraws at once even if its unpark permit was consumed.
     */
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

    /** PolledFd unparks thread waiters itself after releasing its lock; this serves any other caller. */
    @Override
    protected void fired(int outcome) {
        LockSupport.unpark(thread);
    }

    /** The fd and direction a fiber parked on this waiter waits for (introspection; racy). */
    @Override
    public WaitDescription describeWait() {
        PolledFd fd = owner;
        return WaitDescription.of(direction == PolledFd.READ ? "fd-readable" : "fd-writable",
                fd == null ? "" : fd.toString());
    }

    /**
     * What the waiter waits for, for introspection: it is the park blocker of the waiting
     * thread, so {@code LockSupport.getBlocker(thread)} shows it. A racy snapshot.
     */
    @Override
    public String toString() {
        PolledFd fd = owner;
        int s = state;
        String[] names = {"idle", "waiting", "ready", "closed", "timed out", "withdrawn"};
        return "I/O wait[" + (fd == null ? "" : (direction == PolledFd.READ ? "readable " : "writable ") + fd + ", ")
                + names[s] + "]";
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
