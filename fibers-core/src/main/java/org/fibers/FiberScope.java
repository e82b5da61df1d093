package org.fibers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.fibers.introspect.DescribesWait;
import org.fibers.introspect.WaitDescription;
import org.fibers.scheduler.Scheduler;
import org.fibers.scheduler.TimerHandle;

/**
 * A structured scope of fibers: children spawned in it never outlive it.
 *
 * <pre>{@code
 * try (FiberScope scope = FiberScope.allSucceed()) {
 *     FiberScope.Child<User> user = scope.spawn(() -> fetchUser(id));
 *     FiberScope.Child<Order> order = scope.spawn(() -> fetchOrder(id));
 *     scope.join();                     // the first failure cancels the sibling and is thrown here
 *     return render(user.get(), order.get());
 * }
 * }</pre>
 *
 * Policies: {@link Policy#ALL_SUCCEED} (the first failure cancels the siblings; {@link #join()}
 * throws it, with the other failures attached as suppressed), {@link Policy#FIRST_SUCCESS} (the
 * first success cancels the rest; {@link #result()} returns it) and {@link Policy#AWAIT_ALL}
 * (nothing is cancelled; look at each child). A scope with a deadline cancels every child
 * when the time is up, and {@code join} then throws {@link FiberTimeoutException}.
 *
 * <p>{@link #close()} cancels the children still running and waits until every one has
 * ended: it never returns while a child runs. If the waiting fiber is itself cancelled
 * while in {@code join}, it cancels its children, waits for them, and then throws: so
 * cancellation flows down through nested scopes. Children run on the scheduler current at
 * {@code open} (or the one given). Thread-safe; {@code join} and {@code close} belong to the
 * thread that opened the scope.
 *
 * <pre>
 * Implementation notes
 *
 * Each child's completion callback (Fiber.onDone) records its outcome, applies the policy
 * (possibly cancelling the others: Fiber.cancel interrupts them), and decrements
 * {@code running}; whoever takes it to zero unparks the owner. The owner waits by parking
 * until running == 0, so no lock is held anywhere; children spawned after the policy fired
 * are cancelled as soon as they start.
 * </pre>
 */
public final class FiberScope implements AutoCloseable, DescribesWait {
    /** What a child's end does to the scope. */
    public enum Policy {
        /** Nothing is cancelled by a child's end; {@link #join()} waits for all and throws no child's failure. */
        AWAIT_ALL,
        /** The first failure cancels the siblings; {@link #join()} throws it (the others suppressed). */
        ALL_SUCCEED,
        /** The first success cancels the rest; {@link #result()} returns its value. */
        FIRST_SUCCESS
    }

    private final Policy policy;
    private final Scheduler scheduler;
    private final Thread owner;
    private final Set<Fiber<?>> live = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    /** Children not yet ended; the owner waits for zero. */
    private final AtomicInteger running = new AtomicInteger();
    private final TimerHandle deadlineTimer;
    /** The scope's timeout, for the FiberTimeoutException's message; null without a deadline. */
    private final Duration timeout;
    /** The first successful value (FIRST_SUCCESS), wrapped so null is a value. */
    private volatile Object[] winner;
    /** false --policy fires, deadline, close or cancelled join--> true: the rest are cancelled. */
    private volatile boolean shutdown;
    private volatile boolean timedOut;
    private volatile boolean closed;

    private FiberScope(Policy policy, Scheduler scheduler, Duration timeout) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.scheduler = scheduler;
        this.owner = Thread.currentThread();
        this.timeout = timeout;
        if (timeout != null) {
            long deadline = System.nanoTime() + timeout.toNanos();
            this.deadlineTimer = Scheduler.timerScheduler().scheduleAt(deadline, this::expire);
        } else {
            this.deadlineTimer = null;
        }
    }

    /**
     * {@return a scope on the current scheduler, owned by the calling fiber}
     *
     * @param policy what a child's end does to the scope
     * @throws IllegalStateException when no scheduler is current (outside {@link Fibers#run})
     */
    public static FiberScope open(Policy policy) {
        return new FiberScope(policy, requireScheduler(), null);
    }

    /**
     * {@return a scope on the current scheduler that cancels everything in it after {@code timeout}}
     * {@link #join()} then throws {@link FiberTimeoutException}.
     *
     * @param policy what a child's end does to the scope
     * @param timeout how long, from now, the children may run
     * @throws IllegalStateException when no scheduler is current (outside {@link Fibers#run})
     * @throws NullPointerException if {@code timeout} is null
     */
    public static FiberScope open(Policy policy, Duration timeout) {
        return new FiberScope(policy, requireScheduler(), Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * {@return a scope whose children run on {@code scheduler} (usable from plain threads too)}
     * The calling thread owns it: only it may {@link #join()} and {@link #close()} it.
     *
     * @param policy what a child's end does to the scope
     * @param scheduler where the children run
     * @param timeoutOrNull how long, from now, the children may run; null for no deadline
     * @throws NullPointerException if {@code scheduler} is null
     */
    public static FiberScope open(Policy policy, Scheduler scheduler, Duration timeoutOrNull) {
        return new FiberScope(policy, Objects.requireNonNull(scheduler, "scheduler"), timeoutOrNull);
    }

    /** {@return a scope on the current scheduler with policy {@link Policy#ALL_SUCCEED}} */
    public static FiberScope allSucceed() {
        return open(Policy.ALL_SUCCEED);
    }

    /** {@return a scope on the current scheduler with policy {@link Policy#FIRST_SUCCESS}} */
    public static FiberScope firstSuccess() {
        return open(Policy.FIRST_SUCCESS);
    }

    /** {@return a scope on the current scheduler with policy {@link Policy#AWAIT_ALL}} */
    public static FiberScope awaitAll() {
        return open(Policy.AWAIT_ALL);
    }

    /**
     * Runs {@code block} in a child fiber and returns its value, cancelling it (and all it
     * started in scopes) if it takes longer than {@code timeout}, like Kotlin's
     * {@code withTimeout} or Trio's {@code fail_after}. Call it from a fiber.
     *
     * @param <T> the type of the block's value
     * @param timeout how long the block may run
     * @param block what the child fiber runs
     * @return the block's value
     * @throws FiberTimeoutException when the time ran out (its message says the duration)
     * @throws FiberFailedException when the block failed (the cause)
     */
    public static <T> T withTimeout(Duration timeout, Callable<T> block) {
        try (FiberScope scope = open(Policy.ALL_SUCCEED, timeout)) {
            Child<T> child = scope.spawn(block);
            scope.join();
            return child.get();
        }
    }

    private static Scheduler requireScheduler() {
        Scheduler s = Scheduler.current();
        if (s == null) {
            throw new IllegalStateException("no current scheduler: open scopes inside Fibers.run, or pass a scheduler");
        }
        return s;
    }

    /** {@return the policy this scope was opened with} */
    public Policy policy() {
        return policy;
    }

    /**
     * Starts {@code task} as a child fiber of this scope. Like {@link Fibers#spawn(Runnable)},
     * a spawning fiber may yield here to a backlog of runnable fibers when preemption is on.
     * A child spawned after the policy fired (or after {@link #shutdown()}) is cancelled at once.
     * Thread-safe: children may spawn siblings.
     *
     * @param <T> the type of the task's result
     * @param task what the child runs
     * @return the child, whose {@link Child#get()} gives the value once the scope has joined
     * @throws IllegalStateException if the scope is closed
     */
    public <T> Child<T> spawn(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        if (closed) {
            throw new IllegalStateException("scope is closed");
        }
        running.incrementAndGet();
        Fiber<T> fiber = Fiber.create(scheduler, task, false);
        live.add(fiber);
        Child<T> child = new Child<>(fiber);
        fiber.onDone(() -> childEnded(child));
        fiber.start();
        if (shutdown) {
            fiber.cancel(); // the policy already decided: this one is not wanted
        }
        Scheduler.spawnPoint();
        return child;
    }

    /**
     * Starts {@code task} as a child fiber of this scope, as {@link #spawn(Callable)} does.
     *
     * @param task what the child runs
     * @return the child; its value is null
     * @throws IllegalStateException if the scope is closed
     */
    public Child<Void> spawn(Runnable task) {
        Objects.requireNonNull(task, "task");
        return spawn(() -> {
            task.run();
            return null;
        });
    }

    private void childEnded(Child<?> child) {
        Fiber<?> f = child.fiber;
        live.remove(f);
        Throwable failure = f.failure();
        if (failure == null) {
            if (policy == Policy.FIRST_SUCCESS && winner == null) {
                synchronized (this) {
                    if (winner == null) {
                        winner = new Object[] {child.rawValue()};
                    }
                }
                shutdown();
            }
        } else if (!(f.isCancelled() && failure instanceof FiberCancelledException)) {
            failures.add(failure);
            if (policy == Policy.ALL_SUCCEED) {
                shutdown();
            }
        }
        if (running.decrementAndGet() == 0) {
            LockSupport.unpark(owner);
        }
    }

    private void expire() {
        timedOut = true;
        shutdown();
    }

    /** Cancels every child still running; later spawns are cancelled at once. Idempotent. */
    public void shutdown() {
        shutdown = true;
        for (Fiber<?> f : live) {
            f.cancel();
        }
    }

    /**
     * Waits until every child has ended (after the policy fired, the cancelled ones too), then
     * reports: for ALL_SUCCEED the first failure, for any policy a timeout.
     *
     * @throws FiberFailedException ALL_SUCCEED: the first failure (others suppressed)
     * @throws FiberTimeoutException the deadline passed
     * @throws FiberCancelledException the caller was cancelled; its children were cancelled
     *         and have ended
     */
    public void join() {
        checkOwner();
        try {
            awaitChildren(true);
        } catch (FiberCancelledException e) {
            shutdown();
            awaitChildren(false);
            throw e;
        }
        if (deadlineTimer != null && running.get() == 0) {
            deadlineTimer.cancel();
        }
        if (timedOut) {
            throw new FiberTimeoutException("scope", timeout);
        }
        if (policy == Policy.ALL_SUCCEED) {
            throwFirstFailure();
        }
    }

    /**
     * FIRST_SUCCESS: joins the scope and returns the first successful child's value.
     *
     * @param <T> the type the caller expects of the winning child's value (unchecked)
     * @return the value of the child that succeeded first
     * @throws IllegalStateException if the scope's policy is not {@link Policy#FIRST_SUCCESS}
     * @throws FiberFailedException if no child succeeded (the first failure, others suppressed)
     * @throws FiberTimeoutException if the deadline passed first
     */
    @SuppressWarnings("unchecked")
    public <T> T result() {
        if (policy != Policy.FIRST_SUCCESS) {
            throw new IllegalStateException("result() is for FIRST_SUCCESS scopes; use each child's get()");
        }
        join();
        Object[] w = winner;
        if (w == null) {
            throwFirstFailure();
            throw new FiberFailedException("no child succeeded (none ran)", null);
        }
        return (T) w[0];
    }

    private void throwFirstFailure() {
        List<Throwable> all = new ArrayList<>(failures);
        if (all.isEmpty()) {
            return;
        }
        FiberFailedException e = new FiberFailedException("child failed: " + all.get(0), all.get(0));
        for (int i = 1; i < all.size(); i++) {
            e.addSuppressed(all.get(i));
        }
        throw e;
    }

    private void awaitChildren(boolean interruptible) {
        boolean interrupted = false;
        while (running.get() != 0) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                if (interruptible) {
                    Thread.currentThread().interrupt();
                    throw new FiberCancelledException("cancelled while joining a scope");
                }
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkOwner() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("only the thread that opened the scope may join or close it");
        }
    }

    /**
     * Cancels the children still running and waits for all of them to end, uninterruptibly.
     * Failures not yet reported by {@link #join()} are not thrown here.
     */
    /** The park blocker of the owner joining or closing this scope: a wait on its children. */
    @Override
    public WaitDescription describeWait() {
        return WaitDescription.of("scope", WaitDescription.identity("scope", this) + " (" + running.get() + " running)");
    }

    @Override
    public void close() {
        checkOwner();
        closed = true;
        if (running.get() != 0) {
            shutdown();
            awaitChildren(false);
        }
        if (deadlineTimer != null) {
            deadlineTimer.cancel();
        }
    }

    /**
     * A child fiber of a scope.
     *
     * @param <T> the type of the child's result
     */
    public static final class Child<T> {
        /** What became of a child. */
        public enum State {
            /** It has not ended yet. */
            RUNNING,
            /** It returned a value. */
            SUCCEEDED,
            /** It threw an exception (other than its own cancellation). */
            FAILED,
            /** It was cancelled and ended with {@link FiberCancelledException}. */
            CANCELLED
        }


        private final Fiber<T> fiber;

        private Child(Fiber<T> fiber) {
            this.fiber = fiber;
        }

        /** {@return the fiber running this child; never null} */
        public Fiber<T> fiber() {
            return fiber;
        }

        /** {@return a snapshot: RUNNING until the fiber ends, then how it ended} */
        public State state() {
            if (!fiber.isDone()) {
                return State.RUNNING;
            }
            Throwable f = fiber.failure();
            if (f == null) {
                return State.SUCCEEDED;
            }
            return fiber.isCancelled() && f instanceof FiberCancelledException ? State.CANCELLED : State.FAILED;
        }

        /**
         * {@return the child's value once it has ended}
         *
         * @throws IllegalStateException if it is still running
         * @throws FiberFailedException if it failed; FiberCancelledException if cancelled
         */
        public T get() {
            if (!fiber.isDone()) {
                throw new IllegalStateException("child still running: join the scope first");
            }
            return fiber.join();
        }

        private Object rawValue() {
            return fiber.join();
        }

        @Override
        public String toString() {
            return "Child[" + fiber.name() + ", " + state() + "]";
        }
    }
}
