package org.fibers.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.fibers.FiberCancelledException;
import org.fibers.internal.LoomSupport;
import org.fibers.scheduler.spi.Poller;

/**
 * A scheduler: one carrier (platform) thread that runs fibers and tasks, with its own run
 * queue, inbox, timers and poller. Guile's {@code make-scheduler}, {@code run-scheduler} and
 * the rest of its "Schedulers and Tasks" API.
 *
 * <p>{@link #create(int) create(n)} makes n peer schedulers; an idle one steals half of a
 * peer's queue, and {@link #chooseParallel()} spreads new work among them. All methods are
 * thread-safe unless they say otherwise.
 *
 * <pre>
 * Implementation notes
 *
 * The carrier's loop (Guile's turns), its idle spin and sleep, and the handshake that wakes
 * it live in {@link CarrierLoop}; this class holds the queues, the public API and submission.
 *
 * Where a submission goes. {@link #submit} compares the caller's carrier with ours: the same
 * carrier means we are inside this scheduler's loop (a fiber running here, a timer, a task)
 * and the task goes straight into the run queue without synchronisation; anything else goes
 * through the lock-free inbox and wakes the carrier if it sleeps.
 *
 * Spreading work. When a turn starts, or a local push leaves, more than one task queued while
 * a peer sleeps and no peer is already spinning for work, the carrier wakes one peer, which
 * then steals half (waking at push time matters for a fiber that spawns many without
 * yielding: its turn may last long). Peers see only the ring of a LocalQueue, never its
 * overflow, which a push keeps draining into the ring.
 * A lone queued task is stolen only from a peer that has been running one task for a few
 * microseconds (Go's rule for its runnext slot): the common lone task is the partner that the
 * running fiber just woke and is about to block for, and taking it would split the pair. The
 * preemption ticker wakes an idle peer for a carrier that holds one task a whole tick.
 *
 * Spawn backlog. With preemption on, a spawn that leaves SPAWN_YIELD_BACKLOG tasks queued
 * yields the spawner (spawnPoint): it goes behind its children, which run this turn, so a
 * spawning loop keeps a bounded set of unstarted fibers alive (Cilk's work-first rule bounds
 * space the same way, by running the child first). Young collections then find a few hundred
 * live threads instead of up to a million.
 * </pre>
 */
public final class Scheduler implements AutoCloseable {
    /** {@link #submitWoken}: false (-Dfibers.readyOnWaker=false) keeps every woken task on its owner. */
    private static final boolean MIGRATE_ON_WAKE =
            Boolean.parseBoolean(System.getProperty("fibers.readyOnWaker", "true"));

    final SchedulerGroup group;
    final int index;
    /** Runnable tasks: the ring peers steal from, and its overflow. */
    final LocalQueue queue = new LocalQueue();
    private final Inbox inbox = new Inbox();
    final TimerQueue timers = new TimerQueue(this);
    /** Fibers started from this carrier; carrier only. */
    final FiberRegistry registry;
    /** Fibers started from this carrier, and fibers that ended on it; written by it (release). */
    private long fibersStarted;
    private long fibersEnded;
    private final Poller poller;
    final Consumer<Throwable> timerFailureHandler;

    /**
     * The thread running this scheduler's loop.
     * <pre>  null --run(): CAS--> thread --loop exits--> null </pre>
     */
    volatile Thread carrier;
    /** The thread started for this scheduler by its group, before it sets {@code carrier}. */
    private volatile Thread expectedCarrier;
    /** The carrier's turns, idle search and sleep (its counters and running task live there). */
    final CarrierLoop carrierLoop = new CarrierLoop(this);
    /** Queued tasks at which a spawning fiber yields when preemption is on (see spawnPoint). */
    static final int SPAWN_YIELD_BACKLOG = Integer.getInteger("fibers.spawnYieldBacklog", 256);
    /** Queued tasks at which a local push wakes an idle peer (see pushLocal). */
    private static final int WAKE_ON_PUSH_BACKLOG = 4;
    /** Peers' loops started by the group stop when this is set (end of Fibers.run). */
    private volatile boolean stopRequested;
    private volatile boolean closed;
    private volatile boolean pollerClosed;

    private Scheduler(SchedulerGroup group, int index) {
        this.group = group;
        this.index = index;
        this.registry = new FiberRegistry(group::liveFibers);
        this.timerFailureHandler = failure -> group.report("timer task on " + this, failure);
        this.poller = PollerProviders.create(this);
    }

    // ---------------------------------------------------------------- creation and lookup

    /**
     * Makes a scheduler with {@code parallelism - 1} remote peers (Guile's
     * {@code make-scheduler #:parallelism}). Nothing runs until {@link #run} is called or the
     * scheduler is passed to {@code Fibers.run}.
     */
    public static Scheduler create(int parallelism) {
        LoomSupport.checkAvailable();
        SchedulerGroup group = new SchedulerGroup(parallelism);
        for (int i = 0; i < parallelism; i++) {
            group.members[i] = new Scheduler(group, i);
        }
        return group.members[0];
    }

    /** The scheduler running the caller (a fiber or a task on its carrier), or null. */
    public static Scheduler current() {
        Thread c = LoomSupport.currentCarrier();
        return c == null ? null : RunningSchedulers.onCarrier(c);
    }

    /** {@link #current()}, or else a shared daemon scheduler for timers set from plain threads. */
    public static Scheduler timerScheduler() {
        Scheduler s = current();
        return s != null ? s : FallbackTimers.SCHEDULER;
    }

    /** The task the current scheduler is running (low-level: a fiber is a task), or null. */
    public static Task currentTask() {
        Scheduler s = current();
        return s == null ? null : s.runningTaskRacy();
    }

    // ---------------------------------------------------------------- Guile's scheduler API

    /** The thread running this scheduler, or null when it is not running. */
    public Thread kernelThread() {
        Thread c = carrier;
        return c != null ? c : expectedCarrier;
    }

    /** Number of turns this scheduler has taken. */
    public long runcount() {
        return carrierLoop.runcount();
    }

    /**
     * Number of times this scheduler's carrier found no work, spun without finding any, and
     * went to sleep in its poller (each costs a wakeup later, a system call at least).
     */
    public long sleepCount() {
        return carrierLoop.sleepCount();
    }

    /**
     * How long a sleeping carrier of this scheduler's group took to run again after a wakeup,
     * smoothed over recent wakeups, in nanoseconds; 0 before the first. Idle carriers spin for
     * up to twice this while a peer is busy, rather than sleep through its next hand-off.
     */
    public long wakeLatencyNanos() {
        return group.wakeLatencyNanos();
    }

    /** Number of tasks this scheduler stole from its peers. */
    public long stolenTasks() {
        return carrierLoop.search.stolenCount();
    }

    /** The other schedulers of this one's group. */
    public List<Scheduler> remotePeers() {
        List<Scheduler> peers = new ArrayList<>(group.members.length - 1);
        for (Scheduler s : group.members) {
            if (s != this) {
                peers.add(s);
            }
        }
        return List.copyOf(peers);
    }

    /** All schedulers of this group, this one included. */
    public List<Scheduler> peers() {
        return List.of(group.members);
    }

    /** True if this scheduler has runnable tasks queued. A racy snapshot. */
    public boolean workPending() {
        return !queue.isEmpty() || !inbox.isEmpty();
    }

    /** A scheduler of this group for new work: the less loaded of two random peers (self included). */
    public Scheduler chooseParallel() {
        return group.choose();
    }

    /** Entries in the timer queue, counting cancelled ones not yet removed. A racy snapshot. */
    public int pendingTimers() {
        return timers.size();
    }

    /** The poller installed in this scheduler (fibers-io installs its epoll poller). */
    public Poller poller() {
        return poller;
    }

    /** Who hears of exceptions escaping fibers and tasks of this group; the default logs them. */
    public void setUncaughtExceptionHandler(BiConsumer<Object, Throwable> handler) {
        group.setUncaughtHandler(handler);
    }

    /** Reports a failure of {@code what} (a fiber or task) to the group's handler. */
    public void reportFailure(Object what, Throwable failure) {
        group.report(what, failure);
    }

    /** Preemption rate of this group (see {@link #setHz}). */
    public int hz() {
        return group.hz();
    }

    /**
     * Sets how often (per second) the group checks for fibers that have run a whole slice;
     * 0 turns preemption off. A marked fiber yields at its next fiber operation, even one that
     * would not block; Loom cannot stop a fiber that performs none. See the README.
     */
    public void setHz(int hz) {
        group.setHz(hz);
    }

    /** Makes {@code task} runnable on this scheduler (a peer may steal it). Never blocks. */
    public void schedule(Runnable task) {
        Objects.requireNonNull(task, "task");
        submit(new RunnableTask(this, task));
    }

    /**
     * Runs {@code task} on this scheduler's carrier at or after {@code deadlineNanos}
     * ({@link System#nanoTime()} base). The task must be short and must not block.
     */
    public TimerHandle scheduleAt(long deadlineNanos, Runnable task) {
        Objects.requireNonNull(task, "task");
        TimerEntry e = new TimerEntry(timers, deadlineNanos, task);
        if (onCarrier()) {
            timers.addLocal(e);
        } else {
            timers.addRemote(e);
            wake();
        }
        return e;
    }

    /**
     * Guile's {@code suspend-current-task}: suspends the calling fiber and hands
     * {@code afterSuspend} the current scheduler and a runnable that resumes the fiber. The
     * callback is invoked just before the fiber parks; a resume that comes first is kept, so
     * the effect is the same as calling it after. Outside fibers it blocks the thread.
     *
     * @throws FiberCancelledException if the caller is interrupted (interrupt status stays set)
     */
    public static void suspendCurrentTask(BiConsumer<Scheduler, Runnable> afterSuspend) {
        Suspension.suspend(afterSuspend);
    }

    /**
     * A point where the calling fiber yields if the preemption ticker found it has run a whole
     * slice. Every fiber operation calls it; cheap when no fiber is marked.
     */
    public static void preemptionPoint() {
        if (Sysmon.PENDING.get() != 0) {
            preemptIfMarked();
        }
    }

    /**
     * The preemption point of a spawn, for the spawning thread right after the new fiber was
     * queued. With preemption on (hz &gt; 0), a fiber whose carrier has
     * {@value #SPAWN_YIELD_BACKLOG} or more tasks queued yields here, as if its slice were
     * spent: the fibers it spawned get their turn (and mostly end) before it spawns more. A
     * loop spawning a million fibers then holds a few hundred unstarted ones, not a million,
     * and an idle peer finds them in the ring. With hz 0 a spawn never yields.
     */
    public static void spawnPoint() {
        if (Thread.currentThread().isVirtual()) {
            Scheduler s = current();
            if (s != null) {
                s.yieldOnSpawnBacklog();
            }
        }
    }

    /**
     * {@link #spawnPoint()} for a caller that knows it runs on this scheduler's carrier (a
     * fiber here, or a task, which never yields).
     */
    public void spawnPointHere() {
        if (Thread.currentThread().isVirtual()) {
            yieldOnSpawnBacklog();
        }
    }

    /** The body of a spawn point, for a fiber running on this scheduler's carrier. */
    private void yieldOnSpawnBacklog() {
        if (load() >= SPAWN_YIELD_BACKLOG && group.preemptive) {
            Thread.yield();
        }
    }

    private static void preemptIfMarked() {
        if (!Thread.currentThread().isVirtual()) {
            return;
        }
        Task t = currentTask();
        if (t != null && t.takePreemption()) {
            Thread.yield();
        }
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs this scheduler's loop on the calling platform thread until {@code finished} returns
     * true (checked once per turn and before blocking) or the scheduler is closed.
     *
     * @throws IllegalStateException if it already runs on another thread, is closed, or the
     *         caller is a virtual thread
     */
    public void run(BooleanSupplier finished) {
        Objects.requireNonNull(finished, "finished");
        Thread me = Thread.currentThread();
        if (me.isVirtual()) {
            throw new IllegalStateException("a scheduler must run on a platform thread, not on a virtual thread or fiber");
        }
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        RunningSchedulers.add(this, me); // we own the loop now, and current() finds us
        try {
            carrierLoop.run(finished);
        } finally {
            RunningSchedulers.remove(this);
            // While still the carrier: a scheduler at rest keeps no ended fiber reachable.
            queue.ring.forgetStolen();
            registry.sweep();
            carrier = null;
            if (closed) {
                closePoller();
            }
        }
    }

    /**
     * Low-level support for {@code Fibers.run}: runs this scheduler on the calling thread and
     * each peer that is not running yet on a new platform thread, until {@code done} is true
     * and then, with {@code drain}, until no fiber, task or timer is left anywhere in the
     * group; without drain, the fibers still alive are cancelled and this waits until they
     * have ended. The peer threads are stopped and joined before this returns.
     */
    public void runWithPeers(BooleanSupplier done, boolean drain) {
        Objects.requireNonNull(done, "done");
        group.startPeers(this);
        group.cancelling = false;
        try {
            run(() -> {
                if (!done.getAsBoolean()) {
                    return false;
                }
                group.drainWatcher = this; // from now on every fiber's end wakes us to re-check
                if (drain) {
                    return group.quiescent();
                }
                if (!group.cancelling) {
                    group.cancelAllFibers();
                }
                return group.liveFibers() == 0;
            });
        } finally {
            group.drainWatcher = null;
            group.cancelling = false;
            group.stopPeers();
        }
    }

    /**
     * Runs every scheduler of this group that is not running yet on a new daemon platform
     * thread, until {@link #close()}. For programs that keep a scheduler group in the
     * background (an executor service, a server) instead of calling {@code Fibers.run}.
     */
    public Scheduler start() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        group.startPeers(null);
        return this;
    }

    /** Fibers started and not yet finished in this scheduler's group. */
    public long liveFibers() {
        return group.liveFibers();
    }

    /** Makes a sleeping carrier take a turn (for example to re-check a run condition). Any thread. */
    public void wakeup() {
        wake();
    }

    void runUntilStopped() {
        run(() -> stopRequested);
    }

    void expectCarrier(Thread t) {
        stopRequested = false;
        expectedCarrier = t;
    }

    void requestStop() {
        stopRequested = true;
        wake();
    }

    boolean isClosed() {
        return closed;
    }

    /** Takes the loop for {@code me}; false if another thread has it. */
    boolean claimCarrier(Thread me) {
        // null -> me: ours; anything else: the loop already runs on that thread
        return CARRIER.compareAndSet(this, (Thread) null, me);
    }

    /** Turn start: moves what other threads submitted into the run queue, oldest first. Carrier only. */
    void moveInboxToQueue() {
        Task t = inbox.takeAll();
        while (t != null) {
            Task next = t.inboxNext;
            t.inboxNext = null;
            pushLocal(t);
            t = next;
        }
    }

    /**
     * The carrier runs its loop (a task, a turn, a spin) or a waker has just told it to: not
     * asleep in its poller, nor stopped. Any thread; racy.
     */
    boolean isAwake() {
        return !carrierLoop.isSleeping() && carrier != null;
    }

    /** Work for this carrier is queued or on its way. Any thread; racy. */
    boolean hasIncoming() {
        return !inbox.isEmpty() || timers.hasRemoteAdds() || !queue.isEmpty();
    }

    /**
     * Called by the preemption ticker for a carrier that has run one task for a whole tick: if
     * anything waits in its queue, wakes an idle peer, which steals it (even a lone task, see
     * {@link WorkSearch}).
     */
    void hogHasQueuedWork() {
        if (load() > 0) {
            wakeIdlePeer();
        }
    }

    void wakeIdlePeer() {
        if (group.spinning.get() > 0) {
            return; // someone is already looking for work
        }
        for (Scheduler s : group.members) {
            if (s != this && s.carrierLoop.isSleeping() && s.carrier != null) {
                s.wake();
                return;
            }
        }
    }

    /** Wakes the carrier if it sleeps. Any thread. */
    void wake() {
        carrierLoop.wake();
    }

    // ---------------------------------------------------------------- submission

    /** True when the caller runs on this scheduler's carrier (in its loop, a fiber or task here). */
    boolean onCarrier() {
        Thread c = carrier;
        return c != null && LoomSupport.currentCarrier() == c;
    }

    /** Makes {@code task} runnable here. Any thread; never blocks. */
    void submit(Task task) {
        if (onCarrier()) {
            pushLocal(task);
        } else {
            inbox.push(task);
            wake();
        }
    }

    /**
     * Makes a woken task runnable. When a peer's own loop is the waker (its poller saw the fd
     * the task waits on, or one of its timers or scheduled tasks ran), that peer takes the task
     * over and queues it locally: a fiber follows the poller its fd is registered with, as a
     * Netty channel stays on its event loop, and the wake costs no inbox push and no eventfd
     * write. A wake from a fiber (a channel partner on a peer) leaves the task on its owner, so
     * two fibers that talk keep a carrier each (see {@link BlockSpin}). Anywhere else the
     * owner gets it as by {@link #submit}.
     */
    void submitWoken(Task task) {
        if (onCarrier()) {
            pushLocal(task);
            return;
        }
        Scheduler here = MIGRATE_ON_WAKE ? wakingLoop() : null;
        if (here != null && here.group == group) {
            task.adopt(here); // we hold the task (it is in no queue): the owner is ours to set
            here.pushLocal(task);
        } else {
            inbox.push(task);
            wake();
        }
    }

    /**
     * The scheduler whose own loop runs the caller (its poller, a timer, a scheduled task), or
     * null when the caller is a fiber or runs on no carrier of ours. A fiber is recognised by
     * the task its carrier runs, not by {@code Thread.currentThread()}: on JDK 21 to 23 the JDK
     * calls a virtual thread's executor from {@code unpark} with the carrier thread as the
     * current thread (it switches to it first), on JDK 24 and later with the virtual thread
     * itself (pinned), so a fiber waking a fiber looks like a platform thread on the former.
     */
    private static Scheduler wakingLoop() {
        if (Thread.currentThread().isVirtual()) {
            return null;                        // JDK 24+: the waker is a fiber
        }
        Scheduler s = current();
        if (s == null) {
            return null;
        }
        Task running = s.carrierLoop.runningTaskHere(); // plain read: we run on s's carrier, its writer
        return running == null || running instanceof RunnableTask ? s : null;
    }

    private void pushLocal(Task task) {
        queue.push(task);
        if (group.members.length > 1 && queue.ring.size() >= WAKE_ON_PUSH_BACKLOG) {
            // A backlog a sleeping peer would steal at once (Go's wakep on runqput): wake one
            // now rather than at our next turn, which a long run (a spawning loop) delays.
            // Not for one or two queued tasks: those are the partners running fibers just
            // woke, and the turn-start check covers them without waking peers on every push.
            wakeIdlePeer();
        }
    }

    int load() {
        return queue.load();
    }

    /** On this carrier only. */
    void countStarted() {
        FIBERS_STARTED.setRelease(this, fibersStarted + 1);
    }

    /** On this carrier only. */
    void countEnded() {
        FIBERS_ENDED.setRelease(this, fibersEnded + 1);
    }

    long startedCount() {
        return (long) FIBERS_STARTED.getAcquire(this);
    }

    long endedCount() {
        return (long) FIBERS_ENDED.getAcquire(this);
    }

    Task runningTaskRacy() {
        return carrierLoop.runningTaskRacy();
    }

    long runSeqRacy() {
        return carrierLoop.runSeqRacy();
    }

    // ---------------------------------------------------------------- closing

    /**
     * Guile's {@code destroy-scheduler}: stops this scheduler and all its peers, joins the
     * threads their group started, and releases their pollers. Fibers still suspended on them
     * are abandoned. Idempotent.
     */
    @Override
    public void close() {
        for (Scheduler s : group.members) {
            s.closed = true;
            s.carrierLoop.forceAwake();
            s.poller.wakeup();
        }
        group.stopSysmon();
        group.stopPeers();
        for (Scheduler s : group.members) {
            if (s.carrier == null) {
                s.closePoller();
            }
        }
    }

    private void closePoller() {
        synchronized (this) {
            if (pollerClosed) {
                return;
            }
            pollerClosed = true;
        }
        try {
            poller.close();
        } catch (RuntimeException e) {
            group.report("poller of " + this, e);
        }
    }

    @Override
    public String toString() {
        return "Scheduler[" + group.id + "." + index + "]";
    }

    // VarHandle mechanics
    private static final VarHandle CARRIER;
    private static final VarHandle FIBERS_STARTED;
    private static final VarHandle FIBERS_ENDED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CARRIER = l.findVarHandle(Scheduler.class, "carrier", Thread.class);
            FIBERS_STARTED = l.findVarHandle(Scheduler.class, "fibersStarted", long.class);
            FIBERS_ENDED = l.findVarHandle(Scheduler.class, "fibersEnded", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
