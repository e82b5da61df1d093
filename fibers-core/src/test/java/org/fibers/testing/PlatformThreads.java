package org.fibers.testing;

/** Plain platform threads for model-checked tests: Lincheck drives their interleavings. */
public final class PlatformThreads {
    private PlatformThreads() {
    }

    /** Starts {@code r} on a new platform thread. */
    public static Thread start(Runnable r) {
        Thread t = new Thread(r);
        t.start();
        return t;
    }

    /** Joins every thread; an interrupt fails the test. */
    public static void join(Thread... threads) {
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
