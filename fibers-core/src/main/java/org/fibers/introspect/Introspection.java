package org.fibers.introspect;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import org.fibers.Fiber;
import org.fibers.operations.OpState;
import org.fibers.scheduler.Scheduler;
import org.fibers.scheduler.Task;

/**
 * What is running: every live scheduler and fiber, by name, with what each fiber waits for.
 * Guile's {@code fold-all-schedulers}, {@code scheduler-by-name}, {@code fold-all-fibers} and
 * {@code fiber-by-name}, plus text and JSON dumps. Thread-safe; callable from any thread,
 * inside or outside fibers.
 *
 * <pre>
 * Implementation notes
 *
 * Nothing here runs unless called: the fibers are those of each scheduler's existing registry
 * (copied on its carrier, see Scheduler#liveTasksSnapshot), ended ones filtered out, so a
 * dump keeps nothing reachable after it returns. What a fiber waits for is read from its
 * virtual thread's park blocker (LockSupport.getBlocker): a blocked perform parks on its
 * op-state, which recorded its base operations just before parking; a join parks on the
 * joined fiber, a scope's owner on the scope, a sleep on its wake-up; each describes itself
 * (DescribesWait). The reads race with the fiber: a snapshot is a consistent picture of each
 * fiber only, never of the whole system.
 * </pre>
 */
public final class Introspection {
    /** How long a dump waits for a busy carrier to copy its registry before reading it racily. */
    private static final long SNAPSHOT_TIMEOUT_MILLIS = 200;

    private Introspection() {
    }

    /** {@return every scheduler made and not yet closed, peers included} */
    public static List<Scheduler> schedulers() {
        return Scheduler.all();
    }

    /**
     * Guile's {@code fold-all-schedulers}: folds {@code f(scheduler, acc)} over every live
     * scheduler.
     *
     * @param <A> the accumulator's type
     * @param f called with each scheduler and the accumulator so far; returns the next accumulator
     * @param seed the first accumulator
     * @return the last accumulator ({@code seed} when no scheduler lives)
     */
    public static <A> A foldAllSchedulers(BiFunction<Scheduler, A, A> f, A seed) {
        A acc = seed;
        for (Scheduler s : schedulers()) {
            acc = f.apply(s, acc);
        }
        return acc;
    }

    /**
     * Guile's {@code scheduler-by-name}: the live scheduler called {@code name} ({@code
     * sched-G.I}).
     *
     * @param name a scheduler's name, as {@link Scheduler#name()} gives it
     * @return the scheduler, or empty when none of that name lives
     */
    public static Optional<Scheduler> schedulerByName(String name) {
        for (Scheduler s : schedulers()) {
            if (s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** {@return every fiber not yet ended, of every live scheduler, each once} */
    public static List<Fiber<?>> fibers() {
        Map<Fiber<?>, Boolean> seen = new IdentityHashMap<>();
        List<Fiber<?>> out = new ArrayList<>();
        for (Scheduler s : schedulers()) {
            collect(s, seen, out);
        }
        return out;
    }

    /**
     * {@return the fibers not yet ended that {@code scheduler} owns now}
     *
     * @param scheduler the owner to list
     */
    public static List<Fiber<?>> fibers(Scheduler scheduler) {
        List<Fiber<?>> out = new ArrayList<>();
        for (Fiber<?> f : fibers()) {
            if (f.scheduler() == scheduler) {
                out.add(f);
            }
        }
        return out;
    }

    private static void collect(Scheduler s, Map<Fiber<?>, Boolean> seen, List<Fiber<?>> out) {
        for (Task t : s.liveTasksSnapshot(SNAPSHOT_TIMEOUT_MILLIS)) {
            if (t instanceof Fiber<?> f && !f.isDone() && seen.put(f, Boolean.TRUE) == null) {
                out.add(f);
            }
        }
    }

    /**
     * Guile's {@code fold-all-fibers}: folds {@code f(fiber, acc)} over every live fiber.
     *
     * @param <A> the accumulator's type
     * @param f called with each fiber and the accumulator so far; returns the next accumulator
     * @param seed the first accumulator
     * @return the last accumulator ({@code seed} when no fiber lives)
     */
    public static <A> A foldAllFibers(BiFunction<Fiber<?>, A, A> f, A seed) {
        A acc = seed;
        for (Fiber<?> fiber : fibers()) {
            acc = f.apply(fiber, acc);
        }
        return acc;
    }

    /**
     * Guile's {@code fiber-by-name}: the live fiber called {@code name}.
     *
     * @param name a fiber's name, as {@link Fiber#name()} gives it
     * @return one live fiber of that name (names need not be unique), or empty
     */
    public static Optional<Fiber<?>> fiberByName(String name) {
        for (Fiber<?> f : fibers()) {
            if (f.name().equals(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /**
     * {@return what {@code fiber} waits for now, or null (running, queued, ended, or an undescribed
     * park)}
     *
     * @param fiber the fiber to look at
     */
    public static WaitDescription waitOf(Fiber<?> fiber) {
        Thread t = fiber.thread();
        if (t == null || fiber.state() != Fiber.State.SUSPENDED) {
            return null;
        }
        Object blocker = LockSupport.getBlocker(t);
        if (blocker instanceof DescribesWait d) {
            return d.describeWait();
        }
        return blocker == null ? null : WaitDescription.of("parked", blocker.getClass().getName());
    }

    /**
     * {@return a snapshot of {@code fiber}}
     *
     * @param fiber the fiber to look at
     */
    public static FiberInfo info(Fiber<?> fiber) {
        long now = System.nanoTime();
        Thread t = fiber.thread();
        Object blocker = t == null ? null : LockSupport.getBlocker(t);
        WaitDescription wait = waitOf(fiber);
        long since = wait != null && blocker instanceof OpState st ? st.waitingSinceNanos() : 0;
        Scheduler owner = fiber.scheduler();
        long born = fiber.createdNanos();
        return new FiberInfo(fiber.name(), fiber.id(), fiber.state().name(), owner == null ? "" : owner.name(),
                born == 0 ? -1 : Math.max(0, now - born), wait, since == 0 ? -1 : Math.max(0, now - since));
    }

    /**
     * {@return a snapshot of {@code s}'s counters}
     *
     * @param s the scheduler to look at
     */
    public static SchedulerInfo info(Scheduler s) {
        Thread c = s.kernelThread();
        boolean running = c != null && c.isAlive();
        return new SchedulerInfo(s.name(), running, running ? c.getName() : "", s.runcount(), s.runQueueLength(), s.inboxLength(),
                s.stolenTasks(), s.sleepCount(), s.pendingTimers(), s.poller().watchedFds(), s.liveFibers());
    }

    /**
     * {@return the stack of {@code fiber}'s virtual thread now; empty once it ended}
     *
     * @param fiber the fiber to look at
     */
    public static StackTraceElement[] stackOf(Fiber<?> fiber) {
        Thread t = fiber.thread();
        return t == null ? new StackTraceElement[0] : t.getStackTrace();
    }

    /** {@return every live scheduler and fiber as text (see {@link Dump#text})} */
    public static String dumpText() {
        return Dump.text(snapshotSchedulers(), snapshotFibers(), System.nanoTime());
    }

    /** {@return every live scheduler and fiber as one JSON object (see {@link Dump#json})} */
    public static String dumpJson() {
        return Dump.json(snapshotSchedulers(), snapshotFibers(), System.nanoTime());
    }

    /**
     * {@link #info(Scheduler)} of every live scheduler.
     *
     * @return one snapshot per live scheduler, taken one after the other (not atomically)
     */
    public static List<SchedulerInfo> snapshotSchedulers() {
        List<SchedulerInfo> out = new ArrayList<>();
        for (Scheduler s : schedulers()) {
            out.add(info(s));
        }
        return out;
    }

    /**
     * {@link #info(Fiber)} of every live fiber.
     *
     * @return one snapshot per live fiber, taken one after the other (not atomically)
     */
    public static List<FiberInfo> snapshotFibers() {
        List<FiberInfo> out = new ArrayList<>();
        for (Fiber<?> f : fibers()) {
            out.add(info(f));
        }
        return out;
    }
}
