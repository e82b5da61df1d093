package org.fibers.examples.memcached;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters {@code stats} reports, named after memcached's. Each is a {@link LongAdder}, so
 * connection fibers on different carriers count without contending; a {@code stats} reply is
 * a sum taken while others count (each number exact, the set a near snapshot).
 */
final class ServerStats {
    final long startMillis = System.currentTimeMillis();
    /** Client connections open now (the listener not counted). */
    final AtomicInteger currConnections = new AtomicInteger();
    final LongAdder totalConnections = new LongAdder();
    final LongAdder rejectedConnections = new LongAdder();
    final LongAdder cmdGet = new LongAdder();
    final LongAdder cmdSet = new LongAdder();
    final LongAdder cmdFlush = new LongAdder();
    final LongAdder cmdTouch = new LongAdder();
    final LongAdder cmdMeta = new LongAdder();
    final LongAdder getHits = new LongAdder();
    final LongAdder getMisses = new LongAdder();
    final LongAdder deleteHits = new LongAdder();
    final LongAdder deleteMisses = new LongAdder();
    final LongAdder incrHits = new LongAdder();
    final LongAdder incrMisses = new LongAdder();
    final LongAdder decrHits = new LongAdder();
    final LongAdder decrMisses = new LongAdder();
    final LongAdder casHits = new LongAdder();
    final LongAdder casMisses = new LongAdder();
    final LongAdder casBadval = new LongAdder();
    final LongAdder touchHits = new LongAdder();
    final LongAdder touchMisses = new LongAdder();
    final LongAdder storeTooLarge = new LongAdder();
    final LongAdder storeNoMemory = new LongAdder();
    final LongAdder bytesRead = new LongAdder();
    final LongAdder bytesWritten = new LongAdder();
    /** {@code verbosity}'s level: kept and reported, as memcached's logging is not ours. */
    volatile int verbosity;

    /** {@code stats reset}: the counters memcached resets (not connections, items or sizes). */
    void reset() {
        for (LongAdder a : new LongAdder[] {totalConnections, rejectedConnections, cmdGet, cmdSet, cmdFlush,
                cmdTouch, cmdMeta, getHits, getMisses, deleteHits, deleteMisses, incrHits, incrMisses, decrHits,
                decrMisses, casHits, casMisses, casBadval, touchHits, touchMisses, storeTooLarge, storeNoMemory,
                bytesRead, bytesWritten}) {
            a.reset();
        }
    }
}
