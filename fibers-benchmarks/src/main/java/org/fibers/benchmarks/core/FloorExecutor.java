package org.fibers.benchmarks.core;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import org.fibers.internal.LoomSupport;

/**
 * The "Loom floor": about the least a carrier executor can do for virtual threads. One
 * platform thread takes continuations from a deque and runs them, parking when there is
 * nothing to run; {@link #execute} adds to the deque and unparks the thread if it parks. No
 * turns, no timers, no stealing, no poller: whatever a real scheduler costs beyond this is
 * its own overhead.
 *
 * <p>Virtual threads are bound to it with {@code LoomSupport.newVirtualThread(floor, task)}.
 * Two refinements keep it a floor rather than a strawman (a {@code ConcurrentLinkedDeque}
 * alone cost ~10% more per hand-off, mostly in its {@code unlink}): a submission made on the
 * carrier itself (a virtual thread running here unparks another: the hand-off case) goes to
 * a plain {@link ArrayDeque} with no atomic operation at all (the same test as our scheduler's,
 * {@code LoomSupport.carrierOf}); a submission from any other
 * thread goes to a lock-free queue and unparks the carrier only if it is parked, as our
 * scheduler's inbox does.
 */
public final class FloorExecutor implements Executor, AutoCloseable {
    /** Submissions made on the carrier; touched by the carrier only. */
    private final ArrayDeque<Runnable> local = new ArrayDeque<>();
    /** Submissions from other threads. */
    private final ConcurrentLinkedQueue<Runnable> remote = new ConcurrentLinkedQueue<>();
    private final Thread carrier;
    /** Set by the carrier just before it parks; Dekker handshake with execute(). */
    private volatile boolean parked;
    private volatile boolean stopped;

    public FloorExecutor(String name) {
        carrier = new Thread(this::loop, name);
        carrier.setDaemon(true);
        carrier.start();
    }

    @Override
    public void execute(Runnable continuation) {
        if (onCarrier()) {
            local.addLast(continuation);
            return;
        }
        remote.offer(continuation);
        if (parked) {
            LockSupport.unpark(carrier);
        }
    }

    /**
     * True when the caller runs on our carrier: the carrier itself (the JDK switches to it
     * before submitting an unparked virtual thread) or a virtual thread mounted on it (one
     * that starts another).
     */
    private boolean onCarrier() {
        Thread t = Thread.currentThread();
        return t == carrier || (t.isVirtual() && LoomSupport.carrierOf(t) == carrier);
    }

    private void loop() {
        while (!stopped) {
            Runnable r = local.pollFirst();
            if (r == null) {
                r = remote.poll();
            }
            if (r != null) {
                try {
                    r.run();
                } catch (Throwable t) {
                    t.printStackTrace();
                }
                continue;
            }
            parked = true;
            // Re-check after publishing the flag: a submitter that added before seeing it
            // did not unpark us. (local is ours: empty here, and nobody else fills it.)
            if (remote.isEmpty() && !stopped) {
                LockSupport.park(this);
            }
            parked = false;
        }
    }

    /** The carrier thread. */
    public Thread carrier() {
        return carrier;
    }

    @Override
    public void close() {
        stopped = true;
        LockSupport.unpark(carrier);
        try {
            carrier.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
