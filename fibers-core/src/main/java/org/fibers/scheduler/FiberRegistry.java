package org.fibers.scheduler;

import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The fibers started through one scheduler, so that {@code Fibers.run} can cancel those still
 * alive when its init returns. Not thread-safe: each scheduler's registry is confined to its
 * carrier; the group's registry for spawns from other threads is guarded by its lock.
 *
 * <pre>
 * Implementation notes
 *
 * Appending stores into fixed-size chunks: nothing is ever copied as the registry grows, so a
 * burst of a million spawns costs a million array stores. A fiber's end is not reported here
 * (it may end on another carrier, and spawn must stay cheap); instead ended fibers are swept
 * out in place. Reading whether a fiber ended touches that fiber's memory, so a sweep is the
 * expensive part, and it runs only when it pays: when the registry holds more than twice the
 * group's live fibers (a cheap count). While most fibers are alive the registry just grows.
 * Sweeps happen when an append reaches the next checkpoint (twice the size after the last
 * look), when the carrier goes idle ({@link #sweepIfSparse}) and when the scheduler's loop
 * exits, so a burst of fibers that ended is not kept reachable by a scheduler at rest.
 * So the registry holds at most about twice the live fibers plus one checkpoint's growth,
 * and the work is amortised O(1) per spawn.
 * </pre>
 */
final class FiberRegistry {
    private static final int CHUNK = 1024;

    /** Fibers started and not ended in the whole group: how full the registry should be. */
    private final LongSupplier liveInGroup;
    /** The entries: index i lives at chunks[i / CHUNK][i % CHUNK]; chunks past the size may be null. */
    private Task[][] chunks = new Task[4][];
    private int size;
    /** The size at which add() next considers a sweep. */
    private int checkpoint = CHUNK;

    FiberRegistry(LongSupplier liveInGroup) {
        this.liveInGroup = liveInGroup;
    }

    void add(Task fiber) {
        if (size >= checkpoint) {
            long live = liveInGroup.getAsLong();
            if (size > 2 * live) {
                sweep(live);
            } else {
                checkpoint = 2 * size;
            }
        }
        int c = size / CHUNK;
        if (c == chunks.length) {
            chunks = Arrays.copyOf(chunks, 2 * c);
        }
        Task[] chunk = chunks[c];
        if (chunk == null) {
            chunk = chunks[c] = new Task[CHUNK];
        }
        chunk[size % CHUNK] = fiber;
        size++;
    }

    /** Appends the fibers here that have not ended; carrier (or guard) only. */
    void copyLiveTo(List<Task> out) {
        for (int i = 0; i < size; i++) {
            Task t = chunks[i / CHUNK][i % CHUNK];
            if (!t.taskFinished()) {
                out.add(t);
            }
        }
    }

    /**
     * {@link #copyLiveTo} from a thread that does not own the registry, for introspection when
     * the owner does not answer: a benign race, so every read is checked (a chunk or an entry
     * may be missing, a fiber may be seen twice or not at all) and nothing is written.
     */
    void copyLiveRacy(List<Task> out) {
        Task[][] cs = chunks;
        int n = size;
        for (int i = 0; i < n; i++) {
            Task[] chunk = i / CHUNK < cs.length ? cs[i / CHUNK] : null;
            Task t = chunk != null ? chunk[i % CHUNK] : null;
            if (t != null && !t.taskFinished()) {
                out.add(t);
            }
        }
    }

    int size() {
        return size;
    }

    /** Whether {@link #sweepIfSparse} may find work; a cheap hint, callable without the guard. */
    boolean worthSweeping() {
        return size > 0;
    }

    /** Sweeps ended fibers out if the registry holds many more entries than live fibers. */
    void sweepIfSparse() {
        if (worthSweeping()) {
            long live = liveInGroup.getAsLong();
            if (size > 2 * live) {
                sweep(live);
            }
        }
    }

    /** Cancels every fiber here that has not ended; drops the ended ones. */
    void cancelAll() {
        sweep();
        for (int i = 0; i < size; i++) {
            chunks[i / CHUNK][i % CHUNK].cancelTask();
        }
    }

    /** Keeps the fibers that have not ended, in order; releases chunks no longer needed. */
    void sweep() {
        sweep(liveInGroup.getAsLong());
    }

    /** {@link #sweep()} with the group's live count already read. */
    private void sweep(long liveInGroupNow) {
        if (size > 0 && liveInGroupNow == 0) {
            // Every fiber registered here was counted as started before it was added, and the
            // count says all started fibers ended: drop them all without touching each one.
            chunks = new Task[4][];
            size = 0;
            checkpoint = CHUNK;
            return;
        }
        int live = 0;
        for (int i = 0; i < size; i++) {
            Task t = chunks[i / CHUNK][i % CHUNK];
            if (!t.taskFinished()) {
                chunks[live / CHUNK][live % CHUNK] = t;
                live++;
            }
        }
        int keptChunks = (live + CHUNK - 1) / CHUNK;
        if (live % CHUNK != 0) {
            Arrays.fill(chunks[live / CHUNK], live % CHUNK, CHUNK, null); // the last kept chunk's tail
        }
        // One emptied spare chunk stays for the next appends; the rest go, so their memory can.
        int spare = keptChunks;
        if (spare < chunks.length && chunks[spare] != null) {
            Arrays.fill(chunks[spare], null);
        }
        Arrays.fill(chunks, Math.min(spare + 1, chunks.length), chunks.length, null);
        if (chunks.length > 16 && keptChunks < chunks.length / 8) {
            chunks = Arrays.copyOf(chunks, Math.max(4, chunks.length / 4));
        }
        size = live;
        checkpoint = Math.max(CHUNK, 2 * size);
    }
}
