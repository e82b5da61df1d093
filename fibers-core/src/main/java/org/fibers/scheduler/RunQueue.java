package org.fibers.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A scheduler's local run queue: a bounded ring that its owner pushes at the tail and that the
 * owner and idle peers take from at the head.
 *
 * <pre>
 * Implementation notes
 *
 * The design is the local run queue of Go's runtime (runqput / runqget / runqgrab):
 *   - only the owning carrier writes {@code tail}; it stores the slot plainly, then publishes the
 *     new tail with a release store, so a thief that reads tail with acquire sees the slots;
 *   - everybody, owner included, takes by CAS on {@code head}; a thief copies a batch of slots
 *     first and then CASes head over the batch: if the CAS fails, some other party took them
 *     and the copy is discarded, so a slot overwritten meanwhile is never used;
 *   - the owner never overwrites a slot in [head, tail): it pushes only while tail - head is
 *     below the capacity, reading head with acquire.
 * Indices are longs that only grow, so head never suffers ABA.
 * The owner clears the slot of a task it took itself (nobody can legally read that slot again:
 * a thief that copied it fails its CAS); stolen slots are left for the owner to overwrite, and
 * when the ring is empty and thieves took something since the last time, the owner clears
 * every slot ({@link #forgetStolen}) so that no ended fiber stays reachable from a stale slot.
 * That is safe while head == tail: a thief whose snapshot saw tasks has a head older than the
 * current one, so whatever it copies is discarded when its CAS on head fails.
 * The owner's tasks beyond the capacity wait in the overflow of its LocalQueue, which only
 * the owner sees.
 * </pre>
 */
final class RunQueue {
    static final int CAPACITY = 1024;
    private static final int MASK = CAPACITY - 1;

    /** The slots; index with {@code i & MASK}. */
    private final Task[] slots = new Task[CAPACITY];
    /** Next index to take. Advanced by CAS, by the owner or a thief. */
    private volatile long head;
    /** Next index to fill. Written only by the owner (release), read by thieves (acquire). */
    private volatile long tail;
    /** Tasks the owner took itself; owner only. head minus this is what thieves took. */
    private long ownTakes;
    /** What thieves had taken when the owner last cleared the slots; owner only. */
    private long stolenAtLastClear;

    /** Owner only: appends {@code task}, or returns false when the ring is full. */
    boolean offer(Task task) {
        long t = (long) TAIL.getOpaque(this);
        if (t - (long) HEAD.getAcquire(this) >= CAPACITY) {
            return false;
        }
        slots[(int) t & MASK] = task;
        TAIL.setRelease(this, t + 1);
        return true;
    }

    /** The current tail; owner only. Tasks taken before this index belong to the current turn. */
    long tailIndex() {
        return (long) TAIL.getOpaque(this);
    }

    /**
     * Owner only: takes the oldest task if its index is below {@code end}, else null.
     * {@code noThieves}: this queue's scheduler has no peers, so nobody else ever moves head
     * and a release store replaces the CAS.
     */
    Task pollBefore(long end, boolean noThieves) {
        if (noThieves) {
            long h = (long) HEAD.getOpaque(this);
            if (h >= end || h >= (long) TAIL.getOpaque(this)) {
                return null;
            }
            int i = (int) h & MASK;
            Task task = slots[i];
            slots[i] = null;
            ownTakes++;
            HEAD.setRelease(this, h + 1);
            return task;
        }
        for (;;) {
            long h = (long) HEAD.getAcquire(this);
            if (h >= end || h >= (long) TAIL.getOpaque(this)) {
                return null;
            }
            int i = (int) h & MASK;
            Task task = slots[i];
            if (HEAD.compareAndSet(this, h, h + 1)) {
                // Won the slot: no thief can use it any more (their CAS over it fails).
                slots[i] = null;
                ownTakes++;
                return task;
            }
            // Lost to a thief that took a batch including h: re-read head and try again.
        }
    }

    /**
     * Owner only: if the ring is empty and thieves took tasks since the last call, clears every
     * slot; the slots of stolen tasks would otherwise keep them reachable until overwritten.
     */
    void forgetStolen() {
        long h = (long) HEAD.getAcquire(this);
        if (h != (long) TAIL.getOpaque(this)) {
            return; // not empty: live slots, and only stale ones could be cleared
        }
        long stolen = h - ownTakes;
        if (stolen != stolenAtLastClear) {
            java.util.Arrays.fill(slots, null);
            stolenAtLastClear = stolen;
        }
    }

    /**
     * Thief: moves up to half of {@code victim}'s tasks into this (empty) queue and makes
     * {@code thief} their owner. Called only by this queue's owner. Returns how many moved.
     */
    int stealFrom(RunQueue victim, Scheduler thief) {
        long t = (long) TAIL.getOpaque(this);
        for (;;) {
            long h = (long) HEAD.getAcquire(victim);
            long vt = (long) TAIL.getAcquire(victim);
            long n = vt - h;
            n = n - n / 2; // half, rounded up: a lone task can be stolen too
            if (n <= 0) {
                return 0;
            }
            if (n > CAPACITY / 2) {
                // Inconsistent read (head moved past our tail snapshot); retry.
                continue;
            }
            for (long k = 0; k < n; k++) {
                slots[(int) (t + k) & MASK] = victim.slots[(int) (h + k) & MASK];
            }
            if (HEAD.compareAndSet(victim, h, h + n)) {
                // The batch is ours: nobody else can take these tasks; adopt and publish them.
                for (long k = 0; k < n; k++) {
                    slots[(int) (t + k) & MASK].adopt(thief);
                }
                TAIL.setRelease(this, t + n);
                return (int) n;
            }
            // Lost the race to the victim or another thief: the copy may be stale. Drop it (the
            // slots past our tail are ours alone) so it keeps no task reachable, and start over.
            for (long k = 0; k < n; k++) {
                slots[(int) (t + k) & MASK] = null;
            }
        }
    }

    /** Approximate number of queued tasks; any thread. */
    int size() {
        long h = (long) HEAD.getAcquire(this);
        long t = (long) TAIL.getAcquire(this);
        long n = t - h;
        return n <= 0 ? 0 : (int) Math.min(n, CAPACITY);
    }

    boolean isEmpty() {
        return size() == 0;
    }

    /**
     * The oldest queued task, or null; for a peer's heuristics only. Racy: the answer may be
     * stale by the time it is used (taken meanwhile, or a slot being refilled), so it must
     * never be run or relied on, only compared.
     */
    Task peekOldest() {
        long h = (long) HEAD.getAcquire(this);
        return h < (long) TAIL.getAcquire(this) ? slots[(int) h & MASK] : null;
    }

    // VarHandle mechanics
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(RunQueue.class, "head", long.class);
            TAIL = l.findVarHandle(RunQueue.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
