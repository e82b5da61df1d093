package org.fibers.console;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Low-level, for the code {@code spawn-fiber} compiles: the snippet hands the fiber body it
 * built to the console through here. JShell runs the snippet in this JVM, in a class loader whose
 * parent sees this class, so the snippet's call and the console's take meet in one map.
 */
public final class SnippetHandoff {
    private static final AtomicLong NEXT = new AtomicLong();
    private static final ConcurrentHashMap<Long, Runnable> BODIES = new ConcurrentHashMap<>();

    private SnippetHandoff() {
    }

    /** A fresh ticket for one snippet. */
    static long reserve() {
        return NEXT.incrementAndGet();
    }

    /**
     * Called by a compiled snippet: the body of the fiber for {@code ticket}.
     * Thread-safe.
     *
     * @param ticket the ticket the console put in the snippet's code
     * @param body what the snippet's fiber runs
     */
    public static void deliver(long ticket, Runnable body) {
        BODIES.put(ticket, body);
    }

    /** The body delivered for {@code ticket}, removed; null if the snippet delivered none. */
    static Runnable take(long ticket) {
        return BODIES.remove(ticket);
    }
}
