package org.fibers.internal;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * The default destination of failures nobody handled: the {@code org.fibers} SLF4J logger at
 * ERROR, or, when the application has no SLF4J provider (SLF4J then drops everything),
 * standard error in the form of {@link Thread}'s default handler, with a one-time hint on how
 * to route it through a logger. A failure is never silent.
 */
public final class UncaughtFailures {
    private static final Logger LOG = LoggerFactory.getLogger("org.fibers");
    private static final AtomicBoolean HINTED = new AtomicBoolean();

    private UncaughtFailures() {
    }

    /** Reports {@code failure}, which escaped {@code what} (a fiber, a task or its name). */
    public static void report(Object what, Throwable failure) {
        if (hasLogger()) {
            LOG.error("Uncaught exception in {}", what, failure);
            return;
        }
        PrintStream err = System.err;
        synchronized (err) {
            if (HINTED.compareAndSet(false, true)) {
                err.println("fibers: no SLF4J provider is on the class path, so uncaught failures of fibers go to "
                        + "standard error. Add one (for example org.slf4j:slf4j-simple or ch.qos.logback:logback-classic) "
                        + "to log them, or set RunOptions.Builder.uncaughtExceptionHandler.");
            }
            err.print("Exception in " + what + " ");
            failure.printStackTrace(err);
        }
    }

    /** False when SLF4J found no provider and discards every message. */
    static boolean hasLogger() {
        return !(LoggerFactory.getILoggerFactory() instanceof NOPLoggerFactory);
    }
}
