package org.fibers.io.poll;

import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.ThreadAwareExecutor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Supplier;
import org.fibers.internal.LoomSupport;
import org.fibers.scheduler.Scheduler;
import org.fibers.scheduler.spi.Poller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scheduler's epoll poller: Netty's {@link EpollIoHandler} driven by the scheduler's own
 * carrier loop, with no event-loop thread of its own. The scheduler calls {@link #pollNow()}
 * once per busy turn, {@link #pollBlocking(long)} when it has nothing to run, and
 * {@link #wakeup()} from other threads.
 *
 * <p>Threading: {@code pollNow}, {@code pollBlocking} and {@code close} on the carrier (or, for
 * close, after the carrier stopped); {@code wakeup} and {@link #request} from any thread.
 */
public final class EpollPoller implements Poller {
    /*
     * Implementation notes.
     *
     * Netty's IoHandler contract is that everything but wakeup() runs on its executor's thread.
     * Our "executor" is the scheduler's carrier: isExecutorThread() is true for the carrier
     * thread and for any fiber mounted on it (Netty asks about Thread.currentThread(), which
     * for a fiber is the virtual thread, so we look at the carrier underneath instead).
     * execute() (Netty uses it to cancel a registration from another thread) and request()
     * (a PolledFd's FdRegistration asking for registration or an interest change from another
     * thread) push onto a lock-free inbox that the carrier drains at each poll.
     *
     * Wake-ups are never lost. IoHandler.wakeup() only writes the eventfd while the handler is
     * inside run() in its SELECT phase, so a wakeup that comes earlier would be dropped. We keep
     * our own volatile flag: wakeup() sets it, then calls Netty's wakeup(); our
     * IoHandlerContext.canBlock() returns false while the flag is set or the inbox is not
     * empty. Netty publishes "about to block" (its nextWakeupNanos) before it calls canBlock()
     * the last time, so either the carrier sees our flag and does not block, or our
     * handler.wakeup() sees it blocking and writes the eventfd (Dekker, all volatile). The flag
     * is cleared when pollBlocking() returns, which is before the scheduler re-checks its
     * queues, so work submitted before a wakeup() is always seen.
     *
     * pollNow() costs two plain reads when no fd is registered and the inbox is empty, and
     * otherwise calls epoll_wait(0) at most once per POLL_INTERVAL (20 µs by default,
     * -Dfibers.io.pollIntervalMicros): an idle carrier polls in pollBlocking anyway, and a busy
     * one should spend its turns running fibers, not in system calls.
     *
     * Timeouts: pollBlocking(deadline) gives Netty the deadline through the context; Netty
     * uses epoll_pwait2 (or a timerfd) for sub-millisecond precision. A deadline that has
     * passed turns into a non-blocking poll, because Netty would disarm its timer for a zero
     * delay and then wait without one.
     */

    private static final Logger LOG = LoggerFactory.getLogger(EpollPoller.class);
    private static final long POLL_INTERVAL_NANOS = Long.getLong("fibers.io.pollIntervalMicros", 20) * 1000L;

    private final Supplier<Thread> carrier;
    private final String name;
    private final IoHandler handler;
    private final NowContext nowContext = new NowContext();
    private final BlockingContext blockingContext = new BlockingContext();

    /**
     * A wakeup is pending.
     * <pre>  false --wakeup()--> true --pollBlocking() returns (carrier)--> false </pre>
     */
    private volatile boolean wakeRequested;

    /**
     * Treiber stack of jobs for the carrier (newest first).
     * <pre>  null --post--> jobs --carrier takes all--> null ; any --close()--> CLOSED_INBOX (final) </pre>
     */
    private volatile Job inbox;
    private static final Job CLOSED_INBOX = new Job() {
        @Override
        void runOnCarrier(EpollPoller p) {
        }

        @Override
        void rejected(EpollPoller p) {
        }
    };

    /** Fds registered with this poller now (atomic; changes once per fd lifetime). */
    private volatile int registered;
    /** When pollNow last polled; carrier only. */
    private long lastPollNanos;
    /** Counters for tests and introspection; carrier writes, others read racily. */
    private volatile long polls;
    private volatile long blockingPolls;
    private volatile long eventsHandled;

    /**
     * <pre>  open --close()--> closed </pre>
     */
    private volatile boolean closed;
    /** The thread running close(): Netty's executor thread from then on. */
    private volatile Thread closer;

    /** A poller for {@code scheduler}, driven by its carrier. */
    public EpollPoller(Scheduler scheduler) {
        this(scheduler::kernelThread, scheduler.toString());
    }

    /** A poller driven by whatever thread {@code carrier} returns (tests drive it by hand). */
    EpollPoller(Supplier<Thread> carrier, String name) {
        EpollSupport.ensureAvailable();
        this.carrier = carrier;
        this.name = name;
        this.handler = EpollIoHandler.newFactory().newHandler(new CarrierExecutor());
        handler.initialize();
    }

    /**
     * The epoll poller serving the calling thread: its scheduler's, or the shared fallback
     * scheduler's for a plain thread.
     *
     * @throws IllegalStateException if that scheduler has no epoll poller (native epoll did not
     *         load, or -Dfibers.poller=park), or it is closed
     */
    public static EpollPoller forCurrentThread() {
        Scheduler s = Scheduler.timerScheduler();
        Poller p = s.poller();
        if (p instanceof EpollPoller ep) {
            if (ep.closed) {
                throw new IllegalStateException(s + " is closed: it can no longer wait for I/O");
            }
            return ep;
        }
        if (!EpollSupport.isAvailable()) {
            throw EpollSupport.unavailable();
        }
        throw new IllegalStateException("fibers-io needs the epoll poller, but " + s + " uses "
                + p.getClass().getName() + " (is -Dfibers.poller=park set?)");
    }

    IoHandler handler() {
        return handler;
    }

    /** True if the caller runs on this poller's carrier (a fiber mounted on it, or the carrier itself). */
    boolean onCarrier() {
        Thread me = LoomSupport.currentCarrier();
        return me == carrier.get() || (closer != null && me == closer);
    }

    void registrations(int delta) {
        REGISTERED.getAndAdd(this, delta);
    }

    @Override
    public boolean hasRegistrations() {
        return registeredCount() > 0;
    }

    @Override
    public int watchedFds() {
        return registered;
    }

    /** Number of fds registered now. */
    public int registeredCount() {
        return registered;
    }

    /** Calls to epoll_wait so far, and how many of them could block (racy snapshots). */
    public long polls() {
        return polls;
    }

    public long blockingPolls() {
        return blockingPolls;
    }

    /** Events dispatched to fds so far (a racy snapshot). */
    public long eventsHandled() {
        return eventsHandled;
    }

    public boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------ Poller

    @Override
    public void pollNow() {
        if (inbox != null) {
            drainInbox();
        }
        if (registered == 0) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastPollNanos < POLL_INTERVAL_NANOS) {
            return;
        }
        lastPollNanos = now;
        run(nowContext);
    }

    @Override
    public void pollBlocking(long deadlineNanos) {
        boolean worked = inbox != null && drainInbox();
        long now = System.nanoTime();
        if (worked || wakeRequested || deadlineNanos - now <= 0) {
            run(nowContext); // something may have become runnable, or the deadline passed
        } else {
            blockingContext.deadline = deadlineNanos;
            BLOCKING_POLLS.setOpaque(this, blockingPolls + 1);
            run(blockingContext);
        }
        lastPollNanos = now;
        wakeRequested = false;
        if (inbox != null) {
            drainInbox();
        }
    }

    private void run(IoHandlerContext context) {
        int n = handler.run(context);
        POLLS.setOpaque(this, polls + 1);
        if (n > 0) {
            EVENTS.setOpaque(this, eventsHandled + n);
        }
    }

    @Override
    public void wakeup() {
        if (!wakeRequested) {
            wakeRequested = true;
            handler.wakeup(); // writes the eventfd only if the carrier is (about to be) blocked
        }
        // else: a wakeup is already pending and was sent; see the implementation notes
    }

    /**
     * Releases the epoll instance. Fds still registered are forgotten and their waiters woken
     * to retry (they re-register with another poller); jobs posted later are rejected the same
     * way.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closer = Thread.currentThread();
        closed = true;
        Job jobs = (Job) INBOX.getAndSet(this, CLOSED_INBOX);
        for (Job j = reverse(jobs); j != null; ) {
            Job next = j.nextJob;
            j.nextJob = null;
            j.queued = 0;
            try {
                if (j instanceof RunnableJob) {
                    j.runOnCarrier(this); // Netty's cancellations: the epoll fd is still open
                } else {
                    j.rejected(this);
                }
            } catch (RuntimeException | Error e) {
                LOG.warn("job failed while closing {}", this, e);
            }
            j = next;
        }
        try {
            handler.prepareToDestroy(); // cancels every registration; FdHandle.close() wakes waiters
        } finally {
            handler.destroy();
        }
    }

    // ------------------------------------------------------------------ the carrier's inbox

    /**
     * Asks the carrier to service {@code fd} (register it, change its interest, poke it): at once
     * when called on the carrier, otherwise through the inbox.
     */
    void request(FdRegistration fd) {
        if (onCarrier()) {
            fd.runOnCarrier(this);
        } else if (QUEUED.compareAndSet(fd, 0, 1)) {
            post(fd); // we queued it; the carrier clears the mark before servicing it
        }
        // else: queued already; the carrier reads the requests after clearing the mark
    }

    private void post(Job job) {
        for (;;) {
            Job head = inbox;
            if (head == CLOSED_INBOX) {
                job.queued = 0;
                job.rejected(this);
                return;
            }
            job.nextJob = head;
            if (INBOX.compareAndSet(this, head, job)) {
                break; // published
            }
            // another poster or the carrier's take changed the head: try again
        }
        wakeup();
    }

    /** Runs every queued job, oldest first; true if there was any. Carrier only. */
    private boolean drainInbox() {
        Job jobs = (Job) INBOX.getAndSet(this, null);
        if (jobs == null) {
            return false;
        }
        for (Job j = reverse(jobs); j != null; ) {
            Job next = j.nextJob;
            j.nextJob = null;
            j.queued = 0; // cleared before servicing: a new request re-queues it
            try {
                j.runOnCarrier(this);
            } catch (RuntimeException | Error e) {
                LOG.error("poller job failed on {}", this, e);
            }
            j = next;
        }
        return true;
    }

    private static Job reverse(Job j) {
        Job r = null;
        while (j != null) {
            Job n = j.nextJob;
            j.nextJob = r;
            r = j;
            j = n;
        }
        return r;
    }

    @Override
    public String toString() {
        return "EpollPoller[" + name + "]";
    }

    /** Something the carrier does for another thread. */
    abstract static class Job {
        /** Inbox link; written before the publishing CAS. */
        Job nextJob;
        /**
         * <pre>  0 --request(): CAS--> 1 --carrier takes it from the inbox--> 0 </pre>
         */
        volatile int queued;

        /** Runs on the carrier. */
        abstract void runOnCarrier(EpollPoller p);

        /** The poller was closed before the job could run. */
        abstract void rejected(EpollPoller p);
    }

    /** A runnable from Netty's executor interface. */
    private static final class RunnableJob extends Job {
        private final Runnable task;

        RunnableJob(Runnable task) {
            this.task = task;
        }

        @Override
        void runOnCarrier(EpollPoller p) {
            task.run();
        }

        @Override
        void rejected(EpollPoller p) {
            // Netty's registration clean-up for an epoll instance that no longer exists: nothing to do.
        }
    }

    /** What Netty sees as its executor: the carrier. */
    private final class CarrierExecutor implements ThreadAwareExecutor {
        /** Netty always passes Thread.currentThread(); we judge by the carrier underneath it. */
        @Override
        public boolean isExecutorThread(Thread thread) {
            return onCarrier();
        }

        @Override
        public void execute(Runnable task) {
            post(new RunnableJob(task));
        }
    }

    /** Context of a non-blocking poll. */
    private static final class NowContext implements IoHandlerContext {
        @Override
        public boolean canBlock() {
            return false;
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return 0;
        }

        @Override
        public long deadlineNanos() {
            return -1;
        }
    }

    /** Context of a blocking poll; see the implementation notes for canBlock(). */
    private final class BlockingContext implements IoHandlerContext {
        long deadline;

        @Override
        public boolean canBlock() {
            return !wakeRequested && inbox == null;
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return deadline == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, deadline - currentTimeNanos);
        }

        @Override
        public long deadlineNanos() {
            return deadline == Long.MAX_VALUE ? -1 : deadline;
        }
    }

    // VarHandle mechanics
    private static final VarHandle INBOX;
    private static final VarHandle QUEUED;
    private static final VarHandle REGISTERED;
    private static final VarHandle POLLS;
    private static final VarHandle BLOCKING_POLLS;
    private static final VarHandle EVENTS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            INBOX = l.findVarHandle(EpollPoller.class, "inbox", Job.class);
            QUEUED = l.findVarHandle(Job.class, "queued", int.class);
            REGISTERED = l.findVarHandle(EpollPoller.class, "registered", int.class);
            POLLS = l.findVarHandle(EpollPoller.class, "polls", long.class);
            BLOCKING_POLLS = l.findVarHandle(EpollPoller.class, "blockingPolls", long.class);
            EVENTS = l.findVarHandle(EpollPoller.class, "eventsHandled", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
