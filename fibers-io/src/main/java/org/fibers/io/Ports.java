package org.fibers.io;

import java.util.Objects;
import org.fibers.io.poll.PolledFd;
import org.fibers.io.poll.Waiter;
import org.fibers.operations.Operation;
import org.fibers.scheduler.Scheduler;

/**
 * Port readiness (Guile's {@code (fibers io-wakeup)} and the fd half of its scheduler API):
 * operations that complete when a port is readable or writable, an accept operation, and tasks
 * scheduled on readiness.
 *
 * <p>As in Guile, readiness may be reported spuriously: after a readable operation completes a
 * read may still find nothing, so callers loop. Closing a port completes its pending readiness
 * operations with an {@link java.io.UncheckedIOException} wrapping
 * {@link java.nio.channels.AsynchronousCloseException}.
 *
 * <p>Everything here works inside and outside fibers: {@code perform()} suspends a fiber and
 * blocks a plain thread. Thread-safe.
 */
public final class Ports {
    private Ports() {
    }

    /**
     * An operation that completes, with null, when {@code port} is readable (data or end of
     * stream to read, or for a server socket a connection to accept). Guile's
     * {@code wait-until-port-readable-operation}.
     *
     * @param port the port to watch
     * @return the operation; spurious readiness is possible, as in Guile
     */
    public static Operation<Void> readableOperation(FiberPort port) {
        return new ReadinessOperation(Objects.requireNonNull(port, "port"), PolledFd.READ)
                .wrap(ReadinessOperation::check);
    }

    /**
     * An operation that completes, with null, when {@code port} is writable. Guile's
     * {@code wait-until-port-writable-operation}.
     *
     * @param port the port to watch
     * @return the operation; spurious readiness is possible, as in Guile
     */
    public static Operation<Void> writableOperation(FiberPort port) {
        return new ReadinessOperation(Objects.requireNonNull(port, "port"), PolledFd.WRITE)
                .wrap(ReadinessOperation::check);
    }

    /**
     * An operation that accepts a connection on {@code server}; Guile's {@code accept-operation}.
     *
     * @param server the listening socket
     * @return {@code server.acceptOperation()}
     */
    public static Operation<FiberSocket> acceptOperation(FiberServerSocket server) {
        return server.acceptOperation();
    }

    /**
     * Waits until {@code port} is readable: {@code readableOperation(port).perform()}.
     *
     * @param port the port to watch
     */
    public static void awaitReadable(FiberPort port) {
        readableOperation(port).perform();
    }

    /**
     * Waits until {@code port} is writable: {@code writableOperation(port).perform()}.
     *
     * @param port the port to watch
     */
    public static void awaitWritable(FiberPort port) {
        writableOperation(port).perform();
    }

    /**
     * Guile's {@code schedule-task-when-fd-readable}: runs {@code task} on {@code scheduler}
     * (via {@link Scheduler#schedule}) once {@code port} is readable or closed. Unlike Guile's,
     * thread-safe.
     *
     * @param scheduler where the task runs
     * @param port the port to watch
     * @param task a short task that must not block
     * @return an action that cancels the request if the task has not been scheduled yet
     */
    public static Runnable scheduleWhenReadable(Scheduler scheduler, FiberPort port, Runnable task) {
        return scheduleWhen(scheduler, port, PolledFd.READ, task);
    }

    /**
     * Guile's {@code schedule-task-when-fd-writable}; see {@link #scheduleWhenReadable}.
     *
     * @param scheduler where the task runs
     * @param port the port to watch
     * @param task a short task that must not block
     * @return an action that cancels the request if the task has not been scheduled yet
     */
    public static Runnable scheduleWhenWritable(Scheduler scheduler, FiberPort port, Runnable task) {
        return scheduleWhen(scheduler, port, PolledFd.WRITE, task);
    }

    private static Runnable scheduleWhen(Scheduler scheduler, FiberPort port, int direction, Runnable task) {
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(task, "task");
        PolledFd pfd = port.polledFd();
        TaskWaiter w = new TaskWaiter(pfd, scheduler, task);
        if (pfd.link(w, direction, pfd.seq(direction), true) != PolledFd.LINKED) {
            scheduler.schedule(task); // ready (or closed) already
        }
        return w;
    }

    /** Schedules its task when fired; run() withdraws it. */
    private static final class TaskWaiter extends Waiter implements Runnable {
        private final PolledFd pfd;
        private final Scheduler scheduler;
        private final Runnable task;

        TaskWaiter(PolledFd pfd, Scheduler scheduler, Runnable task) {
            this.pfd = pfd;
            this.scheduler = scheduler;
            this.task = task;
        }

        @Override
        protected void fired(int outcome) {
            scheduler.schedule(task);
        }

        @Override
        public void run() {
            pfd.withdraw(this);
        }
    }
}
