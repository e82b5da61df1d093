package org.fibers.benchmarks.channels;

import java.util.concurrent.locks.LockSupport;
import org.fibers.benchmarks.core.FloorExecutor;
import org.fibers.internal.LoomSupport;

/**
 * The Loom floor: two virtual threads handing off by {@code LockSupport.park/unpark} on a
 * minimal single-carrier executor (a queue and a park), with no channel and no scheduler logic.
 * One round trip = two hand-offs, the least any channel ping-pong on one carrier can cost.
 * Virtual threads are bound to the executor with the project's one Loom hook (LoomSupport).
 */
final class LoomFloor implements Scenario {
    /** The same floor executor as the core benchmarks'. */
    private final FloorExecutor executor = new FloorExecutor("loom-floor-carrier");
    private volatile boolean closed;

    /** Whose turn: 1 = the partner's, 0 = the driver's. */
    private volatile int turn;
    /** Round trips requested from the driver vthread; 0 when idle, -1 to stop. */
    private volatile int batch;
    private volatile Thread caller;
    private final Thread driver;
    private final Thread partner;

    LoomFloor() {
        partner = LoomSupport.newVirtualThread(executor, () -> {
            for (;;) {
                while (turn != 1) {
                    if (closed) {
                        return;
                    }
                    LockSupport.park();
                }
                turn = 0;
                LockSupport.unpark(driver());
            }
        });
        driver = LoomSupport.newVirtualThread(executor, () -> {
            for (;;) {
                int n;
                while ((n = batch) == 0) {
                    LockSupport.park();
                }
                if (n < 0) {
                    return;
                }
                for (int i = 0; i < n; i++) {
                    turn = 1;
                    LockSupport.unpark(partner);
                    while (turn != 0) {
                        LockSupport.park();
                    }
                }
                batch = 0;
                LockSupport.unpark(caller);
            }
        });
        partner.start();
        driver.start();
    }

    private Thread driver() {
        return driver;
    }

    @Override
    public void run(int n) {
        caller = Thread.currentThread();
        batch = n;
        LockSupport.unpark(driver);
        while (batch != 0) {
            LockSupport.park();
        }
    }

    @Override
    public void close() {
        caller = Thread.currentThread();
        batch = -1;
        LockSupport.unpark(driver);
        try {
            driver.join();
            closed = true;
            LockSupport.unpark(partner);
            partner.join();
            executor.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
