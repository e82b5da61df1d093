package org.fibers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import org.fibers.internal.ForeignVirtualThreads;
import org.fibers.internal.LoomSupport;
import org.fibers.introspect.DescribesWait;
import org.fibers.introspect.WaitDescription;
import org.fibers.jfr.FiberEvents;
import org.fibers.scheduler.CoarseClock;
import org.fibers.scheduler.Scheduler;
import org.fibers.scheduler.Task;

/**
 * A fiber: a virtual thread whose continuation runs on the carrier of the {@link Scheduler}
 * that currently owns it. Made by {@link Fibers#spawn}. Thread-safe.
 *
 * <pre>
 * Implementation notes
 *
 * The JDK hands a virtual thread's continuation to its executor each time the thread becomes
 * runnable (start, unpark, yield). Each fiber gets its own small executor, {@link Router},
 * which records the continuation and submits the fiber (a {@link Task}) to its current owner,
 * so a fiber stolen by a peer keeps running on the peer. A virtual thread that the fiber's code
 * starts inherits the Router (the JDK gives a new virtual thread its creator's executor); the
 * Router tells it from the fiber's own continuation, the first it was handed, and sends it to
 * {@link ForeignVirtualThreads}.
 *
 * Completion: the body's outcome is published once (CAS on {@code outcome}), then the waiter
 * stack is swapped for the DONE marker and every waiter is woken or called back. A waiter
 * that finds DONE when it tries to push acts at once.
 *
 * Failure reporting: a failure is somebody's to handle exactly once. A fiber whose body
 * throws leaves its failure to whoever claims it (failureClaim): a joiner already waiting
 * when it ends, or a later join(), failure() or toCompletableFuture(). Unclaimed, it becomes
 * a FailureReport, delivered to the group's uncaught-exception handler when the handle is
 * collected, when the Fibers.run that ran it ends, or at JVM exit, unless claimed first.
 * </pre>
 *
 * <p><b>Failures are reported once.</b> An exception that ends a fiber started by
 * {@link Fibers#spawn} goes to whoever asks for it: {@link #join()} rethrows it (wrapped in
 * {@link FiberFailedException}), {@link #failure()} returns it and
 * {@link #toCompletableFuture()} completes with it. Only when nobody has asked by the time the
 * fiber's handle is garbage collected, or the {@link Fibers#run} that ran it returns, or the
 * JVM exits, is it reported as uncaught to the handler of
 * {@link RunOptions.Builder#uncaughtExceptionHandler} (by default: logged at ERROR through
 * SLF4J, or printed to standard error when no SLF4J provider is present). A join that comes
 * after the report still rethrows it. Children of a {@link FiberScope} are the scope's: their
 * failures are never reported as uncaught. A cancelled fiber that ends with
 * {@link FiberCancelledException} is not a failure.
 *
 * @param <T> the type of the fiber's result ({@link Void} for a {@link Runnable} body)
 */
public final class Fiber<T> extends Task implements DescribesWait {
    /** The states of {@link #state()}. */
    public enum State {
        /** Queued on a scheduler or running on a carrier. */
        RUNNABLE,
        /** Parked: waiting in an operation, a sleep, a join or for I/O. */
        SUSPENDED,
        /** Its body has returned or thrown; the outcome is set. */
        DONE
    }

    private static final Object NULL_RESULT = new Object();
    private static final Waiter DONE = new Waiter(null, null, null);

    /**
     * The virtual thread; dropped once it has terminated, so that a finished fiber's handle
     * does not keep the thread, its continuation and its stack reachable (about 270 bytes
     * against the handle's 64).
     * <pre>  thread --its last run returns with the outcome set (carrier, opaque)--> null </pre>
     * Readers on other threads read it once and treat null as "ended".
     */
    private Thread thread;
    /** The virtual thread's id, kept after the thread is dropped. */
    private final long id;
    private final boolean reportFailure;
    /** What the fiber runs: a Callable, or a Runnable (spawn(Runnable) needs no wrapper); null once started. */
    private Object body;
    /** True when body is the Runnable of spawn(Runnable) (an object may be both kinds). */
    private final boolean runnableBody;
    /**
     * The fiber's name, never null; the virtual thread carries the same one from creation on.
     * <pre>  fiber-ID or the spawn's name --setName--> the new name </pre>
     */
    private volatile String name;
    /** The virtual thread's continuation; written before each submission, read by the runner. */
    private Runnable continuation;
    /** True from submission until a carrier picks the fiber up (opaque; only for state()). */
    private boolean queued;
    /**
     * The outcome, published once.
     * <pre>  null --body returns--> value (or NULL_RESULT) | Failure </pre>
     */
    private volatile Object outcome;
    /**
     * Who waits for the outcome: a stack of waiters, then DONE.
     * <pre>  null / stack --push (CAS)--> longer stack --completion (getAndSet)--> DONE </pre>
     */
    private volatile Waiter waiters;
    /** false --cancel() CAS--> true */
    private volatile boolean cancelled;
    /**
     * Who answers for a failure (see the class notes on reporting); only failed fibers and
     * their claimants touch it.
     * <pre>
     *   null --claim() (join, failure(), toCompletableFuture())--> CLAIMED (final)
     *   null --the body failed, unclaimed (CAS)--> FailureReport --claim()--> CLAIMED
     * </pre>
     */
    private volatile Object failureClaim;
    private static final Object CLAIMED = new Object();
    /** {@link CoarseClock#now()} at creation (0: unknown); one field read, not a clock read. */
    private final long createdCoarseNanos = CoarseClock.now();

    /** {@code givenName} null: {@code fiber-ID}, the virtual thread's id. */
    private Fiber(Scheduler owner, Object body, boolean runnableBody, boolean reportFailure, String givenName) {
        super(owner);
        this.body = body;
        this.runnableBody = runnableBody;
        this.reportFailure = reportFailure;
        Router router = new Router();
        // The thread is named before it starts, so the body, thread dumps, logs and JFR see the
        // fiber's name from its first instruction on. A given name goes in at creation; the
        // default one needs the thread's id first (one string and one setName per fiber).
        Thread t = LoomSupport.newVirtualThread(router, givenName, router);
        this.thread = t;
        this.id = t.threadId();
        String n = givenName;
        if (n == null) {
            n = "fiber-" + id;
            t.setName(n);
        }
        NAME.set(this, n);                      // plain: thread.start() publishes the fiber
    }

    /**
     * Low-level: starts a fiber on {@code scheduler}. {@code reportFailure} false means the
     * caller takes responsibility for an exception ending the fiber (as a scope does).
     */
    static <T> Fiber<T> start(Scheduler scheduler, Callable<T> body, boolean reportFailure) {
        Fiber<T> f = create(scheduler, body, reportFailure, null);
        f.start();
        return f;
    }

    /**
     * Low-level: starts a fiber that runs {@code body} and ends with a null result, named
     * {@code name} (null: {@code fiber-ID}).
     */
    static Fiber<Void> startRunnable(Scheduler scheduler, Runnable body, String name) {
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(body, "body");
        Fiber<Void> f = new Fiber<>(scheduler, body, true, true, name);
        f.start();
        return f;
    }

    /** Low-level: starts a fiber that runs {@code body} and ends with a null result. */
    static Fiber<Void> startRunnable(Scheduler scheduler, Runnable body) {
        return startRunnable(scheduler, body, null);
    }

    /** Low-level: a fiber not started yet, so callers can register it first. */
    static <T> Fiber<T> create(Scheduler scheduler, Callable<T> body, boolean reportFailure) {
        return create(scheduler, body, reportFailure, null);
    }

    /** Low-level: a fiber not started yet, named {@code name} (null: {@code fiber-ID}). */
    static <T> Fiber<T> create(Scheduler scheduler, Callable<T> body, boolean reportFailure, String name) {
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(body, "body");
        return new Fiber<>(scheduler, body, false, reportFailure, name);
    }

    /** Starts a fiber made by {@link #create}; once. */
    void start() {
        countFiberStarted();
        FiberEvents.spawned(this, owner());
        thread.start();
    }

    /** {@return the fiber running the caller, or null when the caller is not a fiber} */
    public static Fiber<?> current() {
        Task t = Scheduler.currentTask();
        if (t instanceof Fiber<?> f && f.thread == Thread.currentThread()) {
            return f;
        }
        return null;
    }

    /** {@return the id of the fiber's virtual thread; unique in this JVM} */
    public long id() {
        return id;
    }

    /**
     * {@return this fiber's name: the last one given to {@link #setName}, else the one given at
     * spawn, else {@code fiber-ID}; never null} The fiber's virtual thread has the same name
     * from its start on, so {@code Thread.currentThread().getName()} inside the fiber, thread
     * dumps, logs and JFR all show it. Thread-safe.
     */
    public String name() {
        return name;
    }

    /**
     * Renames this fiber, and its virtual thread while it lives, so thread dumps, logs and JFR
     * show the new name too. Thread-safe; to name a fiber before its body runs, pass the name
     * to {@link Fibers#spawn(String, Runnable)} instead.
     * 
     * @param name the new name, not null
     * @return this fiber
     * @throws NullPointerException if {@code name} is null
     */
    public Fiber<T> setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
        Thread t = thread();
        if (t != null) {
            t.setName(name);                    // thread dumps, logs and JFR show it too
        }
        return this;
    }

    /**
     * When the fiber was created, on the {@link System#nanoTime()} scale at the preemption
     * ticker's resolution (about 10 ms), or 0 when unknown (no ticker ran before it).
     *
     * @return the creation time in nanoseconds, comparable with {@link System#nanoTime()}, or 0
     */
    public long createdNanos() {
        return createdCoarseNanos;
    }

    /** The park blocker of a fiber joining this one: a join on this fiber. */
    @Override
    public WaitDescription describeWait() {
        return WaitDescription.of("join", name());
    }

    /**
     * {@return the virtual thread that runs this fiber, or null once the fiber has ended and its thread
     * has terminated: the handle of an ended fiber keeps only its name, id and outcome}
     */
    public Thread thread() {
        return (Thread) THREAD.getOpaque(this);
    }

    /** {@return the scheduler that owns this fiber now (it changes when a peer steals it)} */
    public Scheduler scheduler() {
        return owner();
    }

    /** {@return a snapshot: DONE once the body ended; RUNNABLE while queued or running; else SUSPENDED} */
    public State state() {
        if (outcome != null) {
            return State.DONE;
        }
        Thread t = thread();
        if ((boolean) QUEUED.getOpaque(this) || t != null && LoomSupport.carrierOf(t) != null) {
            return State.RUNNABLE;
        }
        return State.SUSPENDED;
    }

    /** {@return true once the fiber's body has ended, by returning or by throwing} */
    public boolean isDone() {
        return outcome != null;
    }

    /** {@return true if {@link #cancel()} took effect on this fiber (it stays true after the fiber ends)} */
    public boolean isCancelled() {
        return cancelled;
    }

    /** {@return the exception that ended the fiber, or null (not done, or returned normally)} */
    public Throwable failure() {
        if (outcome instanceof Failure f) {
            claimFailure();
            return f.cause;
        }
        return null;
    }

    /** The caller takes the failure: it is not reported as uncaught (see the class notes). */
    private void claimFailure() {
        Object prior = FAILURE_CLAIM.getAndSet(this, CLAIMED);
        if (prior instanceof FailureReport r) {
            r.withdraw();                       // the fiber ended unclaimed: take its report back
        }                                       // null: ended claimed (its CAS will fail) or not yet
    }

    /**
     * Guile's kill-fiber: interrupts the fiber. If it is suspended in a fiber operation
     * ({@code perform}, {@code sleep}, {@code join}, an I/O wait) it wakes with a
     * {@link FiberCancelledException}; if it runs, it sees the cancellation at its next
     * suspension point. A no-op (returning false) once the fiber is done or already cancelled.
     * Thread-safe; callable from any thread.
     *
     * @return true if this call cancelled the fiber, false if it was done or cancelled already
     */
    public boolean cancel() {
        if (outcome != null || !CANCELLED.compareAndSet(this, false, true)) {
            return false; // finished, or somebody cancelled first
        }
        Thread t = thread();
        if (t != null) {
            t.interrupt();
        }                                       // else it ended meanwhile: nothing to wake
        return true;
    }

    /**
     * Waits for the fiber to end and returns its result. Suspends a calling fiber; blocks a
     * plain thread. Joining claims the fiber's failure, so it is not also reported as uncaught.
     *
     * @return the body's value (null for a {@link Runnable} body)
     * @throws FiberFailedException if the fiber ended with an exception (the cause)
     * @throws FiberCancelledException if the fiber was cancelled, or the caller is interrupted
     */
    public T join() {
        if (outcome == null) {
            awaitOutcome();
        }
        if (outcome instanceof Failure) {
            claimFailure();
        }
        return result();
    }

    /**
     * Runs {@code callback} once the fiber is done: at once (on the caller) if it is, else on
     * the thread that completes it, right after the outcome is published. There, an exception
     * the callback throws is reported as uncaught and affects neither the fiber nor the other
     * callbacks; run at once, it reaches the caller. Thread-safe.

     *
     * @param callback what to run; it should be short and must not block
     */
    public void onDone(Runnable callback) {

        Objects.requireNonNull(callback, "callback");
        if (!push(null, callback)) {
            callback.run();
        }
    }

    /**
     * {@return a future completed with this fiber's result or failure (the exception itself, not
     * wrapped)} Cancelling the future cancels the fiber.
     */
    public CompletableFuture<T> toCompletableFuture() {
        claimFailure(); // the future carries the failure to whoever reads it
        CompletableFuture<T> future = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                boolean done = super.cancel(mayInterruptIfRunning);
                Fiber.this.cancel();
                return done;
            }
        };
        onDone(() -> {
            Object o = outcome;
            if (o instanceof Failure f) {
                future.completeExceptionally(f.cause);
            } else {
                @SuppressWarnings("unchecked")
                T value = o == NULL_RESULT ? null : (T) o;
                future.complete(value);
            }
        });
        return future;
    }

    @SuppressWarnings("unchecked")
    private T result() {
        Object o = outcome;
        if (o instanceof Failure f) {
            if (cancelled && f.cause instanceof FiberCancelledException c) {
                throw new FiberCancelledException(name() + " was cancelled", c);
            }
            throw new FiberFailedException(name() + " failed: " + f.cause, f.cause);
        }
        return o == NULL_RESULT ? null : (T) o;
    }

    private void awaitOutcome() {
        Thread me = Thread.currentThread();
        Scheduler.preemptionPoint();
        if (!push(me, null)) {
            return;
        }
        while (outcome == null) {
            LockSupport.park(this);
            if (outcome == null && me.isInterrupted()) {
                throw new FiberCancelledException("interrupted while joining " + name());
            }
        }
    }

    private static boolean hasJoiner(Waiter w) {
        for (; w != null; w = w.next) {
            if (w.thread != null) {
                return true;
            }
        }
        return false;
    }

    /** Pushes a waiter; false if the fiber is already done (the waiter was not pushed). */
    private boolean push(Thread waiter, Runnable callback) {
        Waiter node;
        for (;;) {
            Waiter top = waiters;
            if (top == DONE) {
                return false;
            }
            node = new Waiter(waiter, callback, top);
            if (WAITERS.compareAndSet(this, top, node)) {
                return true; // published: completion will see it
            }
            // The stack changed (another waiter, or completion): look again.
        }
    }

    @SuppressWarnings("unchecked")
    private void runBody() {
        Object b = body;
        body = null;
        Object result;
        try {
            Object v;
            if (runnableBody) {
                ((Runnable) b).run();
                v = null;
            } else {
                v = ((Callable<T>) b).call();
            }
            result = v == null ? NULL_RESULT : v;
        } catch (Throwable t) {
            result = new Failure(t);
        }
        // A release store is enough: the getAndSet below is a full fence, and whoever sees DONE
        // (or is woken from the stack) reads the outcome after it.
        OUTCOME.setRelease(this, result);
        Waiter w = (Waiter) WAITERS.getAndSet(this, DONE);
        if (w != null && result instanceof Failure && hasJoiner(w)) {
            failureClaim = CLAIMED;             // a joiner is waiting: the failure is its to throw
        }
        for (; w != null; w = w.next) {
            if (w.thread != null) {
                LockSupport.unpark(w.thread);
            } else {
                try {
                    w.callback.run();
                } catch (Throwable t) {
                    reportUncaught(t);
                }
            }
        }
        if (result instanceof Failure f && reportFailure && !(cancelled && f.cause instanceof FiberCancelledException)
                && failureClaim == null) {
            FailureReport r = FailureReport.leave(this, owner(), f.cause);
            if (!FAILURE_CLAIM.compareAndSet(this, null, r)) {
                r.withdraw();                   // claimed meanwhile: the claimant has it
            }                                   // else pending until claimed, collected or run ends
        }
        FiberEvents.ended(this, owner(), result instanceof Failure f ? f.cause : null);
        countFiberFinished();
    }

    @Override
    protected boolean taskFinished() {
        return outcome != null;
    }

    @Override
    protected void cancelTask() {
        cancel();
    }

    @Override
    protected void run() {
        QUEUED.setOpaque(this, false);
        Runnable cont = continuation;
        if (cont == null) {
            return; // a second queue entry of a fiber that has ended (see Inbox's notes)
        }
        cont.run();
        if (outcome != null) {
            // The body ended in this run, and the thread's termination with it (nothing in
            // between can park). Let the thread go: see the field.
            continuation = null;
            THREAD.setOpaque(this, (Thread) null);
        }
    }

    @Override
    public String toString() {
        return name() + (outcome != null ? " (done)" : "");
    }

    /**
     * Routes the virtual thread's continuation to the scheduler that owns the fiber now; also
     * the virtual thread's task (one object for both).
     */
    private final class Router implements Executor, Runnable {
        @Override
        public void run() {
            runBody();
        }

        /**
         * The fiber's own continuation: the first one handed over, by the fiber's start.
         * Another one is a virtual thread that the fiber's code created (it inherited this
         * executor, see ForeignVirtualThreads) and goes there. Plain field: the start that
         * writes it happens before the fiber's code runs, hence before any such thread exists.
         */
        private Runnable own;

        @Override
        public void execute(Runnable cont) {
            Runnable mine = own;
            if (mine == null) {
                own = cont;
            } else if (cont != mine) {
                ForeignVirtualThreads.execute(cont);
                return;
            }
            boolean first = continuation == null;
            continuation = cont;
            QUEUED.setOpaque(Fiber.this, true);
            if (first) {
                submit(); // start: where spawn put it (a shared spawn chose a peer on purpose)
            } else {
                submitWoken();
            }
        }
    }

    private record Failure(Throwable cause) {
    }

    private record Waiter(Thread thread, Runnable callback, Waiter next) {
    }

    // VarHandle mechanics
    private static final VarHandle WAITERS;
    private static final VarHandle CANCELLED;
    private static final VarHandle QUEUED;
    private static final VarHandle OUTCOME;
    private static final VarHandle THREAD;
    private static final VarHandle NAME;
    private static final VarHandle FAILURE_CLAIM;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            WAITERS = l.findVarHandle(Fiber.class, "waiters", Waiter.class);
            CANCELLED = l.findVarHandle(Fiber.class, "cancelled", boolean.class);
            QUEUED = l.findVarHandle(Fiber.class, "queued", boolean.class);
            OUTCOME = l.findVarHandle(Fiber.class, "outcome", Object.class);
            THREAD = l.findVarHandle(Fiber.class, "thread", Thread.class);
            NAME = l.findVarHandle(Fiber.class, "name", String.class);
            FAILURE_CLAIM = l.findVarHandle(Fiber.class, "failureClaim", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
