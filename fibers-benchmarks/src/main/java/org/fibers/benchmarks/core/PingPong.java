package org.fibers.benchmarks.core;

import java.util.concurrent.locks.LockSupport;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.scheduler.Scheduler;

/**
 * The hand-off every {@link HandOff} variant runs: two threads (fibers or virtual threads)
 * take turns through a volatile field, each waking the other with {@code LockSupport.unpark}
 * and parking until its turn comes back. One round trip = ping wakes pong, pong wakes ping:
 * two unparks, two parks, two context switches. The code is the same in every variant; only
 * the scheduler under the threads changes.
 */
final class PingPong {
    private final int rounds;
    /** Whose turn: PING or PONG. */
    private volatile int turn = PING;
    private static final int PING = 0;
    private static final int PONG = 1;
    /** Set by the creator before ping starts. */
    volatile Thread pong;
    /** Set by ping itself before it first hands the turn over. */
    private volatile Thread ping;
    /** Read by the benchmark so nothing is optimised away. */
    volatile long checksum;

    PingPong(int rounds) {
        this.rounds = rounds;
    }

    void ping() {
        ping = Thread.currentThread();
        Thread other = pong;
        long sum = 0;
        for (int i = 0; i < rounds; i++) {
            turn = PONG;
            LockSupport.unpark(other);
            while (turn != PING) {
                LockSupport.park(this);
            }
            sum += i;
        }
        checksum = sum;
    }

    void pong() {
        Thread other = null;
        for (int i = 0; i < rounds; i++) {
            while (turn != PONG) {
                LockSupport.park(this);
            }
            if (other == null) {
                other = ping; // published before ping's first write of turn
            }
            turn = PING;
            LockSupport.unpark(other);
        }
    }

    /**
     * Runs a pair as two fibers on {@code scheduler}: a {@code Fibers.run} whose init fiber
     * spawns pong then ping and joins them. Returns the checksum.
     */
    static long onFibers(Scheduler scheduler, int rounds) {
        return Fibers.run(RunOptions.builder().scheduler(scheduler).build(), () -> {
            PingPong pp = new PingPong(rounds);
            Fiber<Void> pong = Fibers.spawn(pp::pong);
            pp.pong = pong.thread();
            Fiber<Void> ping = Fibers.spawn(pp::ping);
            ping.join();
            pong.join();
            return pp.checksum;
        });
    }
}
