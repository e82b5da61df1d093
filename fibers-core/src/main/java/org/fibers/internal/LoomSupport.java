package org.fibers.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;

/**
 * The two places where Fibers reaches into the JDK's Loom internals, kept in one class.
 * Not API: other modules of this project use it; users should not.
 *
 * <ul>
 *   <li>{@link #newVirtualThread}: a virtual thread whose continuation is submitted to an
 *       executor of our choosing, through the package-private
 *       {@code java.lang.ThreadBuilders.VirtualThreadBuilder(Executor)} constructor (JDK 21-25).</li>
 *   <li>{@link #carrierOf}: the platform thread a virtual thread is mounted on, read from
 *       {@code java.lang.VirtualThread.carrierThread}. A scheduler uses it to tell whether a
 *       submission comes from its own carrier (no synchronisation needed) or from elsewhere.</li>
 * </ul>
 *
 * Both need {@code --add-opens java.base/java.lang=ALL-UNNAMED}; without it the first use
 * fails with an {@link IllegalStateException} that names the flag.
 */
public final class LoomSupport {
    /** The JVM flag this class needs, as a user types it. */
    public static final String REQUIRED_FLAG = "--add-opens java.base/java.lang=ALL-UNNAMED";

    private static final MethodHandle NEW_BUILDER; // (Executor) -> Thread.Builder.OfVirtual
    /** ThreadBuilders.newVirtualThread(Executor, String, int, Runnable), or null: no builder per thread. */
    private static final MethodHandle NEW_THREAD;
    private static final VarHandle CARRIER;        // VirtualThread.carrierThread
    private static final Throwable FAILURE;        // why the hooks are unavailable, or null

    static {
        MethodHandle builder = null;
        MethodHandle direct = null;
        VarHandle carrier = null;
        Throwable failure = null;
        try {
            Class<?> builderClass = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(builderClass, MethodHandles.lookup());
            builder = lookup.findConstructor(builderClass, MethodType.methodType(void.class, Executor.class))
                    .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
            try {
                Class<?> factory = Class.forName("java.lang.ThreadBuilders");
                direct = MethodHandles.privateLookupIn(factory, MethodHandles.lookup()).findStatic(factory,
                        "newVirtualThread",
                        MethodType.methodType(Thread.class, Executor.class, String.class, int.class, Runnable.class));
            } catch (ReflectiveOperationException e) {
                direct = null; // an older layout: the builder constructor alone will do
            }
            Class<?> vthreadClass = Class.forName("java.lang.VirtualThread");
            carrier = MethodHandles.privateLookupIn(vthreadClass, MethodHandles.lookup())
                    .findVarHandle(vthreadClass, "carrierThread", Thread.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            failure = e;
        }
        NEW_BUILDER = builder;
        NEW_THREAD = direct;
        CARRIER = carrier;
        FAILURE = failure;
    }

    private LoomSupport() {
    }

    /** Throws a clear error when the hooks are unavailable (missing JVM flag or unsupported JDK). */
    public static void checkAvailable() {
        if (FAILURE != null) {
            throw new IllegalStateException("Fibers needs the JVM flag " + REQUIRED_FLAG
                    + " (and JDK 21 or newer) to bind virtual threads to its schedulers; running on Java "
                    + Runtime.version() + ": " + FAILURE, FAILURE);
        }
    }

    /** A new, unstarted virtual thread whose continuation runs wherever {@code scheduler} sends it. */
    public static Thread newVirtualThread(Executor scheduler, Runnable task) {
        return newVirtualThread(scheduler, null, task);
    }

    /**
     * An unstarted virtual thread named {@code name} (null: the JDK's empty name) whose
     * continuation is submitted to {@code scheduler}.
     *
     * @param scheduler where the thread's continuation is submitted, each time it is to run
     * @param name the thread's name, or null for none
     * @param task what the thread runs
     * @return the thread, not started
     * @throws IllegalStateException if the JVM flag {@link #REQUIRED_FLAG} is missing or the JDK is unsupported
     */
    public static Thread newVirtualThread(Executor scheduler, String name, Runnable task) {
        checkAvailable();
        try {
            if (NEW_THREAD != null) {
                // characteristics 0: as an unconfigured builder (inherits inheritable thread locals)
                return (Thread) NEW_THREAD.invokeExact(scheduler, name, 0, task);
            }
            Thread.Builder.OfVirtual builder = (Thread.Builder.OfVirtual) NEW_BUILDER.invokeExact(scheduler);
            if (name != null) {
                builder.name(name);
            }
            return builder.unstarted(task);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot create a virtual thread", e);
        }
    }

    /**
     * The platform thread that {@code thread} runs on: itself for a platform thread, its
     * carrier for a mounted virtual thread, null for an unmounted one.
     */
    public static Thread carrierOf(Thread thread) {
        if (!thread.isVirtual()) {
            return thread;
        }
        checkAvailable();
        return (Thread) CARRIER.getVolatile(thread);
    }

    /** The platform thread the caller is running on. */
    public static Thread currentCarrier() {
        return carrierOf(Thread.currentThread());
    }
}
