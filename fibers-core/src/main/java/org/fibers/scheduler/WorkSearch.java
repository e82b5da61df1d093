package org.fibers.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.fibers.jfr.FiberEvents;

/**
 * How an idle carrier looks for work among its peers: it steals half of a peer's ring, waits
 * a little before taking a peer's lone queued task, and spins briefly before it sleeps. One
 * per scheduler, used by that scheduler's carrier only ({@link #stolenCount} excepted).
 *
 * <pre>
 * Implementation notes
 *
 * Stealing starts at a random peer and takes half of the first non-empty ring it finds
 * (RunQueue.stealFrom: copy a batch, then CAS the victim's head over it). A peer's overflow
 * is invisible to thieves; the peer keeps its ring fed from it.
 *
 * A lone queued task is usually the partner that the peer's running fiber just woke and is
 * about to block for: taking it would split two fibers that talk and make every hand-off
 * cross cores. So, like Go's rule for its runnext slot, a lone task is taken only from a peer
 * that has been running the same task (same run sequence number) for
 * LONE_STEAL_PATIENCE_NANOS across our looks. Never when the lone task is the running task
 * itself: a fiber woken while it parks is resubmitted by the JDK before its run ends, and the
 * thief is then usually the carrier of the fiber that woke it, so the steal would put two
 * fibers that talk on one carrier for good (nothing splits such a pair again: its queue
 * never holds more than the one partner, never for long).
 *
 * Spinning: while a member spins for work, busy members wake nobody (group.spinning), so a
 * burst of pushes costs one wakeup at most. A member spins SPIN_NANOS; then, while some peer
 * is awake and not spinning, and spinners are at most as many as such busy peers (Go's rule),
 * on up to twice the group's measured wake latency (SchedulerGroup#wakeLatencyNanos), at least
 * MIN_BUSY_PEER_SPIN_NANOS and at most MAX_BUSY_PEER_SPIN_NANOS. A busy peer can hand us work
 * at any moment: a fiber there may wake one of ours. "Awake" includes a peer that a waker has
 * just woken and that has not resumed yet, and that case matters most. Without the longer
 * spin, two fibers talking across carriers fall into a slow mode that feeds itself wherever a
 * sleeping carrier takes long to resume (hundreds of microseconds for a halted virtual CPU
 * here): the reply to a sleeper comes only after its wake-up, by when the replier's own
 * carrier has given up spinning and sleeps too, so every hand-off pays a wake-up until one of
 * them happens to be quick. Spinning for longer than a wake-up takes breaks that cycle; on a
 * machine whose wake-ups are quick the measured latency, and so the extra spin, stays small.
 * </pre>
 */
final class WorkSearch {
    /** How long an idle carrier spins looking for work before it blocks. */
    static final long SPIN_NANOS = Long.getLong("fibers.idleSpinMicros", 20) * 1000L;
    /** The most an idle carrier spins while a peer is busy (see the notes). */
    static final long MAX_BUSY_PEER_SPIN_NANOS = Long.getLong("fibers.maxBusyPeerSpinMicros", 1000) * 1000L;
    /** The least of that longer spin, whatever the wake latency. */
    static final long MIN_BUSY_PEER_SPIN_NANOS = 50_000;
    /** How long a peer must run one task before its lone queued task is taken. */
    private static final long LONE_STEAL_PATIENCE_NANOS = 3_000;

    private final Scheduler self;
    /** Tasks stolen from peers; written by the carrier (opaque). */
    private long stolen;
    /**
     * Per peer index i, at 2i the run sequence number we last saw it at with one task queued,
     * at 2i+1 when we first saw that run. Lazy.
     */
    private long[] lonePatience;

    WorkSearch(Scheduler self) {
        this.self = self;
    }

    /** Tasks this scheduler stole so far. Any thread. */
    long stolenCount() {
        return (long) STOLEN.getOpaque(this);
    }

    /** Steals half of some peer's queue into ours; true if it got anything. */
    boolean steal() {
        Scheduler[] members = self.group.members;
        int n = members.length;
        if (n == 1) {
            return false;
        }
        int start = ThreadLocalRandom.current().nextInt(n);
        for (int i = 0; i < n; i++) {
            Scheduler victim = members[(start + i) % n];
            if (victim == self) {
                continue;
            }
            int queued = victim.load();
            if (queued == 0 || queued == 1 && !loneTaskIsStuck(victim)) {
                continue;
            }
            int k = self.queue.ring.stealFrom(victim.queue.ring, self);
            if (k > 0) {
                STOLEN.setOpaque(this, stolen + k);
                FiberEvents.stole(self, victim, k);
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the one task queued at {@code victim} waits behind a long run: true once the
     * victim has been running the same task for {@link #LONE_STEAL_PATIENCE_NANOS} of our
     * looks. A victim between tasks runs its lone task itself within moments.
     */
    private boolean loneTaskIsStuck(Scheduler victim) {
        Task running = victim.runningTaskRacy();
        if (running == null) {
            return false;                       // between tasks: it takes the queued one next
        }
        if (victim.queue.ring.peekOldest() == running) {
            // The running fiber queued itself: it was woken while it was parking (its partner
            // answered during the yield) and the JDK resubmitted it on its way off the carrier,
            // so the victim is about to run it again. Taking it would move one of two talking
            // fibers onto its partner's carrier for good; a preempted carrier thread can make
            // that moment look long.
            return false;
        }
        long seq = victim.runSeqRacy();
        long now = System.nanoTime();
        if (lonePatience == null) {
            lonePatience = new long[2 * self.group.members.length];
        }
        int i = 2 * victim.index;
        if (lonePatience[i] != seq) {
            lonePatience[i] = seq;              // a new run since our last look: start the clock
            lonePatience[i + 1] = now;
            return false;
        }
        return now - lonePatience[i + 1] >= LONE_STEAL_PATIENCE_NANOS;
    }

    /**
     * Spins until {@code deadline} at most, for incoming work or a steal: for SPIN_NANOS, and on
     * to {@link #busyPeerSpinNanos()} while {@link #busyPeersOutnumberSpinners()}. True if it
     * got work.
     */
    boolean spin(long deadline) {
        AtomicInteger spinning = self.group.spinning;
        spinning.incrementAndGet();
        try {
            long start = System.nanoTime();
            long until = Math.min(start + SPIN_NANOS, deadline);
            long untilIfPeersBusy = Math.min(start + busyPeerSpinNanos(), deadline);
            for (;;) {
                Thread.onSpinWait(); // one pause between checks: it can be ~30 ns or much more
                if (self.routing.hasIncoming() || self.lifecycle.isClosed() || peersHaveWork() && steal()) {
                    return true;
                }
                long now = System.nanoTime();
                if (now - until >= 0 && (now - untilIfPeersBusy >= 0 || !busyPeersOutnumberSpinners())) {
                    return false;
                }
            }
        } finally {
            spinning.decrementAndGet();
        }
    }

    /**
     * Twice the group's wake latency, within [MIN_BUSY_PEER_SPIN_NANOS,
     * MAX_BUSY_PEER_SPIN_NANOS], and never less than SPIN_NANOS (a maximum of 0 turns it off).
     */
    private long busyPeerSpinNanos() {
        long twice = Math.max(MIN_BUSY_PEER_SPIN_NANOS, 2 * self.group.wakeLatencyNanos());
        return Math.max(SPIN_NANOS, Math.min(MAX_BUSY_PEER_SPIN_NANOS, twice));
    }

    /**
     * Some peer is awake and not spinning, and there are at least as many such busy peers as
     * spinning members (this one included). Racy reads: a wrong answer costs some spinning or
     * one wakeup.
     */
    private boolean busyPeersOutnumberSpinners() {
        int awake = 0;
        for (Scheduler s : self.group.members) {
            if (s != self && s.isAwake()) {
                awake++;
            }
        }
        int spinners = self.group.spinning.get();  // >= 1: we are one
        int busy = awake - (spinners - 1);           // awake peers that are not spinning
        return busy > 0 && spinners <= busy;
    }

    /** Some peer has a task in its ring. */
    boolean peersHaveWork() {
        for (Scheduler s : self.group.members) {
            if (s != self && !s.queue.ring.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Some peer has more queued than it can start next: what a busy peer wakes us for. */
    boolean peersHaveSurplus() {
        for (Scheduler s : self.group.members) {
            if (s != self && s.load() > 1) {
                return true;
            }
        }
        return false;
    }

    private static final VarHandle STOLEN;

    static {
        try {
            STOLEN = MethodHandles.lookup().findVarHandle(WorkSearch.class, "stolen", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
