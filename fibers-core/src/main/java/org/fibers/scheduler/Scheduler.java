package org.fibers.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.fibers.FiberCancelledException;
import org.fibers.internal.JdkAdvisories;
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
 * it live in {@link CarrierLoop}; how a submitted task reaches the run queue (the inbox, and
 * the wake-ups that spread work to idle peers) lives in {@link TaskRouting}; running and
 * closing (the stop request, the closed mark, the poller's release) in
 * {@link SchedulerLifecycle}; where a fiber yields without blocking (preemption marks, the
 * spawn backlog) in {@link PreemptionPoints}; the carrier's fiber counts in
 * {@link FiberCounts}. This class holds the queues and timers, the public API, and the
 * carrier field: which thread has claimed the loop (see its state diagram).
 * </pre>
 */
public final class Scheduler implements AutoCloseable {
    final SchedulerGroup group;
    final int index;
    /** Runnable tasks: the ring peers steal from, and its overflow. */
    final LocalQueue queue = new LocalQueue();
    final TimerQueue timers = new TimerQueue(this);
    /** Fibers started from this carrier; carrier only. */
    final FiberRegistry registry;
    /** Fibers started from this carrier, and fibers that ended on it; written by it (release). */
    final FiberCounts fiberCounts = new FiberCounts();
    private final Poller poller;
    final Consumer<Throwable> timerFailureHandler;

    /**
     * The thread running this scheduler's loop.
     * <pre>  null --run(): CAS (claimCarrier)--> thread --loop exits (releaseCarrier)--> null </pre>
     */
    volatile Thread carrier;
    /** The carrier's turns, idle search and sleep (its counters and running task live there). */
    final CarrierLoop carrierLoop = new CarrierLoop(this);
    /** Submission: the inbox, and how a task reaches the run queue (see TaskRouting). */
    final TaskRouting routing;
    /** Queued tasks at which a spawning fiber yields when preemption is on (see spawnPoint). */
    static final int SPAWN_YIELD_BACKLOG = Integer.getInteger("fibers.spawnYieldBacklog", 256);
    /** Running and closing: the stop request, the closed mark, the poller's release. */
    final SchedulerLifecycle lifecycle = new SchedulerLifecycle(this);

    private Scheduler(SchedulerGroup group, int index) {
        this.group = group;
        this.index = index;
        this.routing = new TaskRouting(this); // reads group and queue, both set by now
        this.registry = new FiberRegistry(group::liveFibers);
        this.timerFailureHandler = failure -> group.report("timer task on " + this, failure);
        this.poller = PollerProviders.create(this);
    }

    // ---------------------------------------------------------------- creation and lookup

    /**
     * Makes a scheduler with {@code parallelism - 1} remote peers (Guile's
     * {@code make-scheduler #:parallelism}). Nothing runs until {@link #run} is called or the
     * scheduler is passed to {@code Fibers.run}.
     *
     * @param parallelism how many schedulers the group has, this one included; at least 1
     * @return the group's first member; {@link #peers()} lists the whole group
     * @throws IllegalArgumentException if {@code parallelism} is less than 1
     */
    public static Scheduler create(int parallelism) {
        LoomSupport.checkAvailable();
        JdkAdvisories.warnOnce();
        SchedulerGroup group = new SchedulerGroup(parallelism);
        for (int i = 0; i < parallelism; i++) {
            group.members[i] = new Scheduler(group, i);
        }
        LiveSchedulers.add(group);
        return group.members[0];
    }

    /** {@return the scheduler running the caller (a fiber or a task on its carrier), or null} */
    public static Scheduler current() {
        Thread c = LoomSupport.currentCarrier();
        return c == null ? null : RunningSchedulers.onCarrier(c);
    }

    /**
     * {@link #current()}, or else a shared daemon scheduler for timers set from plain threads.
     *
     * @return the scheduler a timer set by the caller runs on
     */
    public static Scheduler timerScheduler() {
        Scheduler s = current();
        return s != null ? s : FallbackTimers.SCHEDULER;
    }

    /** {@return the task the current scheduler is running (low-level: a fiber is a task), or null} */
    public static Task currentTask() {
        Scheduler s = current();
        return s == null ? null : s.runningTaskRacy();
    }

    // ---------------------------------------------------------------- Guile's scheduler API

    /** {@return the thread running this scheduler, or null when it is not running} */
    public Thread kernelThread() {
        Thread c = carrier;
        return c != null ? c : lifecycle.expectedCarrier();
    }

    /** {@return number of turns this scheduler has taken} */
    public long runcount() {
        return carrierLoop.runcount();
    }

    /**
     * {@return number of times this scheduler's carrier found no work, spun without finding any, and
     * went to sleep in its poller (each costs a wakeup later, a system call at least)}
     */
    public long sleepCount() {
        return carrierLoop.sleepCount();
    }

    /**
     * {@return how long a sleeping carrier of this scheduler's group took to run again after a wakeup,
     * smoothed over recent wakeups, in nanoseconds; 0 before the first} Idle carriers spin for
     * up to twice this while a peer is busy, rather than sleep through its next hand-off.
     */
    public long wakeLatencyNanos() {
        return group.wakeLatencyNanos();
    }

    /** {@return number of tasks this scheduler stole from its peers} */
    public long stolenTasks() {
        return carrierLoop.search.stolenCount();
    }

    /** {@return the other schedulers of this one's group} */
    public List<Scheduler> remotePeers() {
        List<Scheduler> peers = new ArrayList<>(group.members.length - 1);
        for (Scheduler s : group.members) {
            if (s != this) {
                peers.add(s);
            }
        }
        return List.copyOf(peers);
    }

    /** {@return all schedulers of this group, this one included} */
    public List<Scheduler> peers() {
        return List.of(group.members);
    }

    /** {@return true if this scheduler has runnable tasks queued} A racy snapshot. */
    public boolean workPending() {
        return routing.workPending();
    }

    /** {@return a scheduler of this group for new work: the less loaded of two random peers (self included)} */
    public Scheduler chooseParallel() {
        return group.choose();
    }

    /** {@return entries in the timer queue, counting cancelled ones not yet removed} A racy snapshot. */
    public int pendingTimers() {
        return timers.size();
    }

    /** {@return the poller installed in this scheduler (fibers-io installs its epoll poller)} */
    public Poller poller() {
        return poller;
    }

    /**
     * Who hears of exceptions escaping fibers and tasks of this group; the default logs them.
     * Thread-safe; it applies to failures reported after this call.
     *
     * @param handler called with the fiber or task and what escaped it
     */
    public void setUncaughtExceptionHandler(BiConsumer<Object, Throwable> handler) {
        group.setUncaughtHandler(handler);
    }

    /**
     * Reports a failure of {@code what} (a fiber or task) to the group's handler.
     *
     * @param what the fiber or task that failed
     * @param failure what escaped it
     */
    public void reportFailure(Object what, Throwable failure) {
        group.report(what, failure);
    }

    /**
     * Preemption rate of this group (see {@link #setHz}).
     *
     * @return the checks per second; 0 when preemption is off
     */
    public int hz() {
        return group.hz();
    }

    /**
     * Sets how often (per second) the group checks for fibers that have run a whole slice;
     * 0 turns preemption off. A marked fiber yields at its next fiber operation, even one that
     * would not block; Loom cannot stop a fiber that performs none. See the README.
     *
     * @param hz checks per second, 0 or more
     * @throws IllegalArgumentException if {@code hz} is negative
     */
    public void setHz(int hz) {
        group.setHz(hz);
    }

    /**
     * Makes {@code task} runnable on this scheduler (a peer may steal it). Never blocks.
     * Thread-safe: from another thread the task goes through this scheduler's inbox and wakes its
     * carrier.
     *
     * @param task a short task; it runs on a carrier and must not block
     */
    public void schedule(Runnable task) {
        Objects.requireNonNull(task, "task");
        routing.submit(new RunnableTask(this, task));
    }

    /**
     * Runs {@code task} on this scheduler's carrier at or after {@code deadlineNanos}
     * ({@link System#nanoTime()} base). The task must be short and must not block.
     *
     * @param deadlineNanos when to run it, on the {@link System#nanoTime()} scale
     * @param task what to run then
     * @return a handle that cancels the timer
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
     * @param afterSuspend given the scheduler and the fiber's resumer; it must arrange for the
     *        resumer to run once
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
            PreemptionPoints.preemptIfMarked();
        }
    }

    /**
     * The preemption point of a spawn, for the spawning thread right after the new fiber was
     * queued. With preemption on (hz &gt; 0), a fiber whose carrier has
     * 256 or more tasks queued (-Dfibers.spawnYieldBacklog) yields here, as if its slice were
     * spent: the fibers it spawned get their turn (and mostly end) before it spawns more. A
     * loop spawning a million fibers then holds a few hundred unstarted ones, not a million,
     * and an idle peer finds them in the ring. With hz 0 a spawn never yields.
     */
    public static void spawnPoint() {
        if (Thread.currentThread().isVirtual()) {
            Scheduler s = current();
            if (s != null) {
                PreemptionPoints.yieldOnSpawnBacklog(s);
            }
        }
    }

    /**
     * {@link #spawnPoint()} for a caller that knows it runs on this scheduler's carrier (a
     * fiber here, or a task, which never yields).
     */
    public void spawnPointHere() {
        if (Thread.currentThread().isVirtual()) {
            PreemptionPoints.yieldOnSpawnBacklog(this);
        }
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs this scheduler's loop on the calling platform thread until {@code finished} returns
     * true (checked once per turn and before blocking) or the scheduler is closed.
     *
     * @param finished tells the loop to return; checked on this scheduler's carrier
     * @throws IllegalStateException if it already runs on another thread, is closed, or the
     *         caller is a virtual thread
     */
    public void run(BooleanSupplier finished) {
        lifecycle.run(finished);
    }

    /**
     * Low-level support for {@code Fibers.run}: runs this scheduler on the calling thread and
     * each peer that is not running yet on a new platform thread, until {@code done} is true
     * and then, with {@code drain}, until no fiber, task or timer is left anywhere in the
     * group; without drain, the fibers still alive are cancelled and this waits until they
     * have ended. The peer threads are stopped and joined before this returns.
     *
     * @param done tells the loop that init is over
     * @param drain whether to wait, after {@code done}, until the group has no fiber, task or timer
     *        left
     */
    public void runWithPeers(BooleanSupplier done, boolean drain) {
        group.runWithPeers(this, done, drain);
    }

    /**
     * Runs every scheduler of this group that is not running yet on a new daemon platform
     * thread, until {@link #close()}. For programs that keep a scheduler group in the
     * background (an executor service, a server) instead of calling {@code Fibers.run}.
     *
     * @return this scheduler
     */
    public Scheduler start() {
        lifecycle.start();
        return this;
    }

    /** {@return fibers started and not yet finished in this scheduler's group} */
    public long liveFibers() {
        return group.liveFibers();
    }

    /** Makes a sleeping carrier take a turn (for example to re-check a run condition). Any thread. */
    public void wakeup() {
        wake();
    }

    /** Takes the loop for {@code me}; false if another thread has it. */
    boolean claimCarrier(Thread me) {
        // null -> me: ours; anything else: the loop already runs on that thread
        return CARRIER.compareAndSet(this, (Thread) null, me);
    }

    /** The loop has exited: gives it back. By the carrier, as its last write. */
    void releaseCarrier() {
        carrier = null;
    }

    // ---------------------------------------------------------------- the carrier, for this package

    /** Wakes the carrier if it sleeps. Any thread. */
    void wake() {
        carrierLoop.wake();
    }

    /** True when the caller runs on this scheduler's carrier (in its loop, a fiber or task here). */
    boolean onCarrier() {
        Thread c = carrier;
        return c != null && LoomSupport.currentCarrier() == c;
    }

    int load() {
        return queue.load();
    }

    /**
     * The carrier runs its loop (a task, a turn, a spin) or a waker has just told it to: not
     * asleep in its poller, nor stopped. Any thread; racy.
     */
    boolean isAwake() {
        return !carrierLoop.isSleeping() && carrier != null;
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
        lifecycle.closeGroup();
    }

    @Override
    public String toString() {
        return "Scheduler[" + group.id + "." + index + "]";
    }

    // ---------------------------------------------------------------- introspection

    /** {@return every scheduler made and not yet closed, peers included, in creation order} */
    public static List<Scheduler> all() {
        return LiveSchedulers.all();
    }

    /**
     * This scheduler's stable name, {@code sched-G.I}: group G's I-th member.
     *
     * @return the name, as {@code sched-1.0}
     */
    public String name() {
        return "sched-" + group.id + "." + index;
    }

    /** {@return whether {@link #close()} was called on this scheduler's group} */
    public boolean isClosed() {
        return lifecycle.isClosed();
    }

    /** {@return tasks waiting in this scheduler's run queue now (racy: a snapshot for monitoring)} */
    public int runQueueLength() {
        return queue.load();
    }

    /**
     * Tasks submitted from other threads and not yet taken into the run queue by the carrier
     * (racy, for monitoring; counted up to 1,000,000).
     *
     * @return the inbox's length now
     */
    public int inboxLength() {
        return routing.inboxLength(1_000_000);
    }

    /**
     * {@return the not yet ended fibers (as tasks) started from this scheduler's carrier, plus, for the
     * group's first member, those started from outside the group} The registry belongs to the
     * carrier, so while the scheduler runs the copy is made there (a timer task) and awaited
     * for up to {@code timeoutMillis}; a carrier busy for longer is read without its help, and
     * that copy may then miss or repeat a fiber the carrier moves meanwhile. Costs the
     * scheduler nothing until it is called.
     *
     * @param timeoutMillis how long to wait for the carrier's copy
     */
    public List<Task> liveTasksSnapshot(long timeoutMillis) {
        List<Task> out = new ArrayList<>();
        if (index == 0) {
            group.copyForeignSpawns(out);
        }
        if (carrier == null || onCarrier()) {
            registry.copyLiveTo(out);
            return out;
        }
        CompletableFuture<List<Task>> copy = new CompletableFuture<>();
        scheduleAt(System.nanoTime(), () -> {
            List<Task> mine = new ArrayList<>();
            registry.copyLiveTo(mine);
            copy.complete(mine);
        });
        try {
            out.addAll(copy.get(timeoutMillis, TimeUnit.MILLISECONDS));
        } catch (TimeoutException | ExecutionException e) {
            registry.copyLiveRacy(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            registry.copyLiveRacy(out);
        }
        return out;
    }

    // VarHandle mechanics
    private static final VarHandle CARRIER;

    static {
        try {
            CARRIER = MethodHandles.lookup().findVarHandle(Scheduler.class, "carrier", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
