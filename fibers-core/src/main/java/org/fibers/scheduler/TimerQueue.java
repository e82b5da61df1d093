package org.fibers.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A scheduler's timers: a binary min-heap ordered by (deadline, insertion order), owned by the
 * scheduler's carrier, plus a stack through which other threads add entries.
 *
 * <pre>
 * Implementation notes
 *
 * The heap is touched only by the owning carrier: add, remove and fire are O(log n). Other
 * threads push new entries onto {@code remoteAdds} (a Treiber stack) and wake the carrier,
 * which moves them into the heap at its next turn. Cancellation is decided on the entry itself
 * (see TimerEntry); entries cancelled away from the carrier are counted in
 * {@code remoteCancelled} and dropped when they reach the top, when they are moved in from
 * the stack, or by a sweep once they make up half of the heap. So a loop of
 * "choice(get, sleep)" keeps the heap bounded wherever its fiber runs.
 * </pre>
 */
final class TimerQueue {
    final Scheduler scheduler;
    private TimerEntry[] heap = new TimerEntry[64];
    private int size;
    private long nextSeq;
    /**
     * Entries added by other threads, newest first.
     * <pre>  null --push--> E1 --push--> E2->E1 --drain (owner)--> null </pre>
     */
    private volatile TimerEntry remoteAdds;
    /** Cancelled entries still in the heap or the stack, awaiting removal by the owner. */
    private final AtomicInteger remoteCancelled = new AtomicInteger();

    TimerQueue(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Owner only. */
    void addLocal(TimerEntry e) {
        e.seq = nextSeq++;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = e;
        e.heapIndex = size;
        size++;
        siftUp(e.heapIndex);
    }

    /** Any thread. */
    void addRemote(TimerEntry e) {
        for (;;) {
            TimerEntry top = remoteAdds;
            e.next = top;
            if (REMOTE_ADDS.compareAndSet(this, top, e)) {
                return; // published
            }
            // Another adder or the owner's drain moved the top: relink and retry.
        }
    }

    boolean hasRemoteAdds() {
        return remoteAdds != null;
    }

    /** Owner only: moves remotely added entries into the heap and sweeps if needed. */
    void drainRemote() {
        if (remoteAdds != null) {
            TimerEntry e = (TimerEntry) REMOTE_ADDS.getAndSet(this, (TimerEntry) null);
            TimerEntry reversed = null;
            while (e != null) { // restore insertion order for equal deadlines
                TimerEntry n = e.next;
                e.next = reversed;
                reversed = e;
                e = n;
            }
            for (e = reversed; e != null; ) {
                TimerEntry n = e.next;
                e.next = null;
                if (e.isCancelled()) {
                    remoteCancelled.decrementAndGet();
                } else {
                    addLocal(e);
                }
                e = n;
            }
        }
        int cancelled = remoteCancelled.get();
        if (cancelled > 0 && cancelled * 2 >= size) {
            sweep();
        }
    }

    void countRemoteCancel() {
        remoteCancelled.incrementAndGet();
    }

    /** Owner only: removes an entry cancelled on this carrier. */
    void removeCancelled(TimerEntry e) {
        removeAt(e.heapIndex);
    }

    /** Owner only: deadline of the earliest live entry, or Long.MAX_VALUE. */
    long nextDeadline() {
        while (size > 0 && heap[0].isCancelled()) {
            removeAt(0);
            remoteCancelled.decrementAndGet();
        }
        return size == 0 ? Long.MAX_VALUE : heap[0].deadline;
    }

    /** Owner only: runs every entry due at {@code now}; returns how many ran. */
    int fireDue(long now, Consumer<Throwable> onFailure) {
        int fired = 0;
        while (size > 0 && heap[0].deadline - now <= 0) {
            TimerEntry e = heap[0];
            removeAt(0);
            if (e.tryFire()) {
                fired++;
                try {
                    e.task.run();
                } catch (Throwable t) {
                    onFailure.accept(t);
                }
            } else {
                remoteCancelled.decrementAndGet(); // it was cancelled elsewhere and counted
            }
        }
        return fired;
    }

    /** Entries in the queue, including cancelled ones not yet removed. */
    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0 && remoteAdds == null;
    }

    private void sweep() {
        int j = 0;
        int dropped = 0;
        for (int i = 0; i < size; i++) {
            TimerEntry e = heap[i];
            if (e.isCancelled()) {
                e.heapIndex = -1;
                dropped++;
            } else {
                heap[j] = e;
                e.heapIndex = j++;
            }
        }
        Arrays.fill(heap, j, size, null);
        size = j;
        remoteCancelled.addAndGet(-dropped);
        for (int i = (size >>> 1) - 1; i >= 0; i--) {
            siftDown(i);
        }
        if (heap.length > 256 && size < heap.length / 4) {
            heap = Arrays.copyOf(heap, Math.max(64, heap.length / 2));
        }
    }

    private void removeAt(int i) {
        TimerEntry removed = heap[i];
        removed.heapIndex = -1;
        size--;
        if (i == size) {
            heap[size] = null;
            return;
        }
        TimerEntry last = heap[size];
        heap[size] = null;
        heap[i] = last;
        last.heapIndex = i;
        siftDown(i);
        if (heap[i] == last) {
            siftUp(i);
        }
    }

    private static boolean less(TimerEntry a, TimerEntry b) {
        long d = a.deadline - b.deadline;
        return d < 0 || (d == 0 && a.seq < b.seq);
    }

    private void siftUp(int i) {
        TimerEntry e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            TimerEntry p = heap[parent];
            if (!less(e, p)) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = e;
        e.heapIndex = i;
    }

    private void siftDown(int i) {
        TimerEntry e = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            TimerEntry c = heap[child];
            int right = child + 1;
            if (right < size && less(heap[right], c)) {
                child = right;
                c = heap[child];
            }
            if (!less(c, e)) {
                break;
            }
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = e;
        e.heapIndex = i;
    }

    // VarHandle mechanics
    private static final VarHandle REMOTE_ADDS;

    static {
        try {
            REMOTE_ADDS = MethodHandles.lookup().findVarHandle(TimerQueue.class, "remoteAdds", TimerEntry.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
