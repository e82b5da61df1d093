package org.fibers.internal;

/** Small thread utilities shared by the modules. Not API. */
public final class Threads {
    private Threads() {
    }

    /** Waits for {@code t} to end, ignoring interrupts meanwhile, then restores the interrupt status. */
    public static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        for (;;) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
