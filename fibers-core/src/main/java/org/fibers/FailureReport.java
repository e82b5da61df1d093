package org.fibers;

import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fibers.scheduler.Scheduler;

/**
 * The pending report of a spawned fiber's failure that nobody has claimed yet.
 *
 * <pre>
 * Implementation notes
 *
 * The rule (see Fiber's class javadoc): a failure is reported to the scheduler group's
 * uncaught-exception handler once, and only if nobody claims it: join(), failure() and
 * toCompletableFuture() claim it. A fiber that ends with an unclaimed failure leaves one of
 * these behind; it is reported at the first of
 *   - the fiber handle becoming unreachable (a Cleaner: nobody can claim it any more),
 *   - the end of the Fibers.run whose scheduler group ran the fiber (flushFor), and
 *   - the JVM shutting down (a hook installed with the first report),
 * unless a claim withdraws it first. Only failed fibers pay for this: the handle's claim word
 * (Fiber.failureClaim) is untouched by fibers that return normally.
 *
 * A report holds the fiber weakly, so that pending reports keep no handle reachable; the
 * handler is given the fiber when it is still reachable, else its name.
 * </pre>
 */
final class FailureReport implements Runnable {
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "fibers-failure-reporter");
        t.setDaemon(true);
        return t;
    });
    /** Reports not yet delivered nor withdrawn. */
    private static final Set<FailureReport> PENDING = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOK_INSTALLED = new AtomicBoolean();

    private final WeakReference<Fiber<?>> fiber;
    private final String fiberName;
    private final Scheduler scheduler;
    private final Throwable failure;
    /**
     * <pre>  false --deliver() or withdraw(), by CAS, once--> true </pre>
     */
    private final AtomicBoolean settled = new AtomicBoolean();

    private FailureReport(Fiber<?> fiber, Scheduler scheduler, Throwable failure) {
        this.fiber = new WeakReference<>(fiber);
        this.fiberName = fiber.name();
        this.scheduler = scheduler;
        this.failure = failure;
    }

    /** Leaves a pending report for {@code fiber}'s unclaimed failure. */
    static FailureReport leave(Fiber<?> fiber, Scheduler scheduler, Throwable failure) {
        FailureReport r = new FailureReport(fiber, scheduler, failure);
        PENDING.add(r);
        if (HOOK_INSTALLED.compareAndSet(false, true)) {
            // first report in this JVM: deliver what is still pending when it exits
            Runtime.getRuntime().addShutdownHook(new Thread(FailureReport::flushAll, "fibers-failure-flush"));
        }
        CLEANER.register(fiber, r);
        return r;
    }

    /** A claim came after the fiber ended: the failure reached its claimant, drop the report. */
    void withdraw() {
        if (settled.compareAndSet(false, true)) {
            PENDING.remove(this);     // won: nobody delivers it
        }                             // lost: already delivered (claimed too late)
    }

    /** The Cleaner's action: the handle is gone, so nobody can claim the failure any more. */
    @Override
    public void run() {
        deliver();
    }

    private void deliver() {
        if (!settled.compareAndSet(false, true)) {
            return;                   // withdrawn or delivered already
        }
        PENDING.remove(this);
        Fiber<?> f = fiber.get();
        scheduler.reportFailure(f != null ? f : fiberName, failure);
    }

    /** Delivers the pending reports of fibers that ran in {@code group}'s schedulers. */
    static void flushFor(Scheduler group) {
        if (PENDING.isEmpty()) {
            return;
        }
        for (FailureReport r : PENDING) {
            if (r.scheduler == group || group.peers().contains(r.scheduler)) {
                r.deliver();
            }
        }
    }

    private static void flushAll() {
        for (FailureReport r : PENDING) {
            r.deliver();
        }
    }
}
