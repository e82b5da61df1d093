package org.fibers.channels;

/*
 * Cache-line padding for WaitQueue, by class hierarchy (HotSpot lays out a superclass's fields
 * before its subclass's): takers write head, enqueuers write tail, usually on different cores,
 * and with both words in one cache line every hand-off would move that line twice more. The
 * int fillers close the alignment gaps that HotSpot would otherwise fill with a subclass's
 * fields (-XX:+UseEmptySlotsInSupers), which would put head or tail back among the padding's
 * neighbours. WaitQueueTest checks the resulting offsets.
 */

/** 64 bytes between the queue's header and {@code head}, so that no neighbour shares its line. */
abstract class WaitQueuePadBeforeHead {
    int gap0;
    long p01, p02, p03, p04, p05, p06, p07, p08;
}

/** The head word of a {@link WaitQueue}, on a cache line of its own. */
abstract class WaitQueueHead extends WaitQueuePadBeforeHead {
    /** The dummy node; head.next is the oldest waiter (possibly dead). */
    volatile WaitQueue.Node head;
    int gap1;
}

/** 64 bytes between {@code head} and {@code tail}. */
abstract class WaitQueuePadAfterHead extends WaitQueueHead {
    long p11, p12, p13, p14, p15, p16, p17, p18;
}
