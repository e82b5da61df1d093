package org.fibers.scheduler;

import java.util.Arrays;

/**
 * The fibers started through one scheduler, so that {@code Fibers.run} can cancel those still
 * alive when its init returns. Not thread-safe: each scheduler's registry is confined to its
 * carrier; the group's registry for spawns from other threads is guarded by its lock.
 *
 * <pre>
 * Implementation notes
 *
 * Appending is a store into an array (a fiber's end is not reported here, to keep spawn
 * cheap). When the array is full, ended fibers are dropped in place; if it is still more than
 * half full it doubles, and a mostly empty large array shrinks. So the array holds at most
 * about twice the live fibers, and the work is amortised O(1) per spawn.
 * </pre>
 */
final class FiberRegistry {
    private Task[] items = new Task[64];
    private int size;

    void add(Task fiber) {
        if (size == items.length) {
            compact();
        }
        items[size++] = fiber;
    }

    /** Cancels every fiber here that has not ended; drops the ended ones. */
    void cancelAll() {
        compact();
        for (int i = 0; i < size; i++) {
            items[i].cancelTask();
        }
    }

    private void compact() {
        int live = 0;
        for (int i = 0; i < size; i++) {
            Task t = items[i];
            if (!t.taskFinished()) {
                items[live++] = t;
            }
        }
        Arrays.fill(items, live, size, null);
        size = live;
        if (size > items.length / 2) {
            items = Arrays.copyOf(items, items.length * 2);
        } else if (items.length > 1024 && size < items.length / 8) {
            items = Arrays.copyOf(items, Math.max(64, items.length / 4));
        }
    }
}
