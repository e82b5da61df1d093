package org.fibers.scheduler;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.fibers.internal.Threads;

/**
 * The preemption ticker behind {@code hz}: what "preemption" honestly means on Loom.
 *
 * <pre>
 * Implementation notes
 *
 * Loom cannot interrupt running Java code, so a fiber is never stopped mid-computation. Like
 * Go's sysmon, one daemon thread per scheduler group wakes hz times a second and looks at each
 * carrier: if the task it runs now is the one it ran at the previous tick (same run sequence
 * number), that task has used up a whole slice, and the ticker marks it. A marked fiber yields
 * at its next fiber operation ({@link Scheduler#preemptionPoint()}, called by perform, put,
 * get, sleep...), even one that would not block, so its peers in the queue get a turn. A fiber
 * that never performs an operation is never preempted; meanwhile the ticker wakes an idle peer,
 * which steals the fibers queued behind it, so only the hog's own carrier is held.
 *
 * The hot-path cost is one read of a static volatile counter of outstanding marks
 * ({@link #PENDING}); only when it is non-zero does a fiber look for its own mark.
 * </pre>
 */
final class Sysmon implements Runnable {
    /** Marks set and not yet consumed, in all groups. */
    static final AtomicInteger PENDING = new AtomicInteger();

    final int hz;
    private final SchedulerGroup group;
    private final long[] lastSeq;
    private final Task[] lastTask;
    private final Thread thread;
    private volatile boolean stopped;

    Sysmon(SchedulerGroup group, int hz) {
        this.group = group;
        this.hz = hz;
        this.lastSeq = new long[group.members.length];
        this.lastTask = new Task[group.members.length];
        this.thread = new Thread(this, "fibers-" + group.id + "-sysmon");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
        if (thread != Thread.currentThread()) {
            Threads.joinUninterruptibly(thread);
        }
    }

    @Override
    public void run() {
        long period = TimeUnit.SECONDS.toNanos(1) / hz;
        CoarseClock.tickerStarted();
        try {
            while (!stopped) {
                LockSupport.parkNanos(this, period);
                tick();
            }
        } finally {
            CoarseClock.tickerStopped();        // this thread ticks no more
        }
    }

    /**
     * One look at every carrier. A method of its own so that the JIT compiles it after a few
     * hundred ticks: the loop above is entered once, and at 100 ticks a second an on-stack
     * replacement of it would take minutes, leaving every tick interpreted until then.
     */
    private void tick() {
        CoarseClock.tick();
        Scheduler[] members = group.members;
        for (int i = 0; i < members.length; i++) {
            Scheduler s = members[i];
            Task running = s.runningTaskRacy();
            long seq = s.runSeqRacy();
            if (running != null && running == lastTask[i] && seq == lastSeq[i]) {
                running.requestPreemption();
                s.routing.hogHasQueuedWork();
            }
            lastTask[i] = running;
            lastSeq[i] = seq;
        }
    }
}
