package org.fibers.io.poll;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The waiters of one direction of a {@link PolledFd}: a doubly linked list through the waiters'
 * own links (no allocation per wait). Every method runs under the fd's lock, except
 * {@link #isEmpty()}, which the home carrier calls without it (the head is volatile) to skip
 * the lock for events nobody waits for.
 */
final class WaiterList {
    private static final Logger LOG = LoggerFactory.getLogger(WaiterList.class);
    /** Length at which append() first drops stale waiters; then twice the live length. */
    private static final int PRUNE_MIN = 32;

    /** First waiter, or null; volatile for the unlocked isEmpty(). */
    private volatile Waiter head;
    private Waiter tail;
    private int count;
    private int pruneAt = PRUNE_MIN;

    /** Unlocked peek: true if nobody waits (racy; see FdWaiters' notes for why that is enough). */
    boolean isEmpty() {
        return head == null;
    }

    int size() {
        return count;
    }

    /** Links {@code w} at the tail and makes it WAITING; prunes stale waiters now and then. */
    void append(Waiter w, PolledFd owner, int direction) {
        if (count >= pruneAt) {
            prune();
        }
        w.owner = owner;
        w.direction = direction;
        w.next = null;
        w.state = Waiter.WAITING;
        w.prev = tail;
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
        }
        tail = w;
        count++;
    }

    /** Unlinks {@code w}, which must be in this list. */
    void remove(Waiter w) {
        Waiter p = w.prev;
        Waiter n = w.next;
        if (p == null) {
            head = n;
        } else {
            p.next = n;
        }
        if (n == null) {
            tail = p;
        } else {
            n.prev = p;
        }
        count--;
        w.prev = null;
        w.next = null;
        w.owner = null;
    }

    /**
     * Empties the list and returns its former head; the chain stays linked through
     * {@code next}, for the caller to walk (and to unlink each waiter as it goes).
     */
    Waiter detach() {
        Waiter first = head;
        head = null;
        tail = null;
        count = 0;
        return first;
    }

    /**
     * Fires every waiter with {@code outcome}. The list is detached first, so a waiter that
     * asks to stay (takes() returned false) is appended again without being fired twice.
     *
     * @param wake threads to unpark once the fd's lock is released, gathered so far (see fire)
     * @return {@code wake} plus the threads of the thread waiters fired here
     */
    Object fireAll(PolledFd owner, int outcome, Object wake) {
        Waiter w = detach();
        while (w != null) {
            Waiter n = w.next;
            int direction = w.direction;
            w.prev = null;
            w.next = null;
            w.owner = null;
            if (w.isStale()) {
                w.state = Waiter.WITHDRAWN;
            } else {
                boolean take;
                try {
                    take = outcome != Waiter.READY || w.takes(outcome);
                    if (take) {
                        wake = fire(w, outcome, wake);
                    }
                } catch (RuntimeException | Error e) {
                    LOG.error("waiter {} failed while being woken", w, e);
                    take = true;
                }
                if (!take) {
                    append(w, owner, direction); // still WAITING: wait for the next edge
                }
            }
            w = n;
        }
        return wake;
    }

    /**
     * Sets the outcome of an unlinked waiter. A thread waiter's thread is added to {@code wake}
     * and unparked only after the lock is released, so that the lock is never held across an
     * unpark (which may submit to another scheduler and write its eventfd); an unpark that comes
     * after the thread already went on is merely spurious. Other waiters are fired here.
     */
    static Object fire(Waiter w, int outcome, Object wake) {
        w.state = outcome;
        Thread t = w instanceof ThreadWaiter tw ? tw.thread() : null;
        if (t == null) {
            w.fired(outcome);
            return wake;
        }
        if (wake == null) {
            return t;
        }
        @SuppressWarnings("unchecked")
        ArrayList<Thread> list = wake instanceof ArrayList<?> l ? (ArrayList<Thread>) l : new ArrayList<>(List.of((Thread) wake));
        list.add(t);
        return list;
    }

    /** Unparks what fire() gathered: null, one thread, or a list of them. */
    static void unparkAll(Object wake) {
        if (wake instanceof Thread t) {
            LockSupport.unpark(t);
        } else if (wake != null) {
            for (Object t : (ArrayList<?>) wake) {
                LockSupport.unpark((Thread) t);
            }
        }
    }

    /** Drops stale waiters (operations completed elsewhere that never withdrew); amortised O(1). */
    private void prune() {
        Waiter w = head;
        while (w != null) {
            Waiter n = w.next;
            if (w.isStale()) {
                remove(w);
                w.state = Waiter.WITHDRAWN;
            }
            w = n;
        }
        pruneAt = Math.max(PRUNE_MIN, 2 * count);
    }
}
