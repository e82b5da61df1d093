package org.fibers;

import java.util.Objects;
import java.util.function.BiConsumer;
import org.fibers.scheduler.Scheduler;

/**
 * Options of {@link Fibers#run(RunOptions, java.util.concurrent.Callable)}, Guile's
 * {@code run-fibers} keywords: {@code RunOptions.builder().parallelism(2).drain(true).build()}.
 */
public final class RunOptions {
    /** Guile's default preemption rate. */
    public static final int DEFAULT_HZ = 100;

    private final int parallelism;
    private final Integer hz;
    private final boolean drain;
    private final Scheduler scheduler;
    private final BiConsumer<Object, Throwable> uncaughtExceptionHandler;

    private RunOptions(Builder b) {
        this.parallelism = b.parallelism;
        this.hz = b.hz;
        this.drain = b.drain;
        this.scheduler = b.scheduler;
        this.uncaughtExceptionHandler = b.uncaughtExceptionHandler;
    }

    /** {@return a builder with every option at its default (see {@link #defaults()})} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return all defaults: parallelism = available processors, hz = 100, no drain, a new scheduler} */
    public static RunOptions defaults() {
        return builder().build();
    }

    /**
     * {@return the number of peer schedulers of a new scheduler group; the available processors
     * unless set}
     */
    public int parallelism() {
        return parallelism;
    }

    /** {@return the preemption rate; {@link #DEFAULT_HZ} unless set} */
    public int hz() {
        return hz == null ? DEFAULT_HZ : hz;
    }

    boolean hzWasSet() {
        return hz != null;
    }

    /**
     * {@return whether {@code run} waits, after init returns, until no fiber, timer or task is
     * left}
     */
    public boolean drain() {
        return drain;
    }

    /** {@return a user-made scheduler to run on (not closed afterwards), or null for a new one} */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** {@return handler for exceptions escaping fibers, or null for the default (logging)} */
    public BiConsumer<Object, Throwable> uncaughtExceptionHandler() {
        return uncaughtExceptionHandler;
    }

    /** Options for {@link Fibers#run(RunOptions, java.util.concurrent.Callable)}, set one by one; not thread-safe. */
    public static final class Builder {
        private int parallelism = Runtime.getRuntime().availableProcessors();
        private Integer hz;
        private boolean drain;
        private Scheduler scheduler;
        private BiConsumer<Object, Throwable> uncaughtExceptionHandler;

        private Builder() {
        }

        /**
         * Sets the number of peer schedulers (carrier threads) of a new scheduler group; the
         * default is the number of available processors. Ignored with {@link #scheduler}.
         *
         * @param parallelism how many peers; at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code parallelism} is less than 1
         */
        public Builder parallelism(int parallelism) {

            if (parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
            }
            this.parallelism = parallelism;
            return this;
        }

        /**
         * Preemption checks per second; 0 turns preemption off. A fiber that has run a whole
         * slice yields at its next fiber operation; see {@link Scheduler#setHz(int)}.
         *
         * @param hz checks per second, 0 or more (default {@value RunOptions#DEFAULT_HZ})
         * @return this builder
         * @throws IllegalArgumentException if {@code hz} is negative
         */
        public Builder hz(int hz) {
            if (hz < 0) {
                throw new IllegalArgumentException("hz must be >= 0: " + hz);
            }
            this.hz = hz;
            return this;
        }

        /**
         * When true, {@code run} returns only after init has returned and no fiber is left
         * (runnable or blocked in an operation) and no timer or task is pending.
         * The default is false: the fibers still alive when init returns are cancelled.
         *
         * @param drain whether to wait for every fiber, timer and task
         * @return this builder
         */
        public Builder drain(boolean drain) {
            this.drain = drain;
            return this;
        }

        /**
         * Runs on this scheduler (and its peers) instead of a new one; it is not closed afterwards.
         *
         * @param scheduler the scheduler whose loop {@code run} runs on the calling thread
         * @return this builder
         * @throws NullPointerException if {@code scheduler} is null
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Receives (fiber or task, exception) for every exception that escapes a fiber.
         * It replaces the default (an ERROR log line through SLF4J, or standard error without an
         * SLF4J provider).
         *
         * @param handler called with the fiber (or task) and the throwable
         * @return this builder
         * @throws NullPointerException if {@code handler} is null
         */
        public Builder uncaughtExceptionHandler(BiConsumer<Object, Throwable> handler) {
            this.uncaughtExceptionHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** {@return the options as set so far; the builder may be reused}  */
        public RunOptions build() {
            return new RunOptions(this);
        }
    }
}
