package org.fibers.benchmarks.channels;

import java.util.function.IntConsumer;
import org.fibers.channels.Channel;

/**
 * A world whose driver takes batch sizes from the benchmark thread over a channel and answers
 * on another when the batch is done; a negative size tells it to end.
 */
abstract class BatchFedWorld implements Scenario {
    /** Batch sizes for the driver; -1 ends it. */
    final Channel<Integer> requests = new Channel<>();
    /** The driver's answer, once per batch. */
    final Channel<Integer> replies = new Channel<>();

    /** The driver's loop: runs {@code batch} for each requested size until told to end. */
    final void serveBatches(IntConsumer batch) {
        for (int n = requests.get(); n >= 0; n = requests.get()) {
            batch.accept(n);
            replies.put(n);
        }
    }

    @Override
    public final void run(int n) {
        requests.put(n);
        replies.get();
    }

    @Override
    public final void close() {
        requests.put(-1);
        try {
            awaitEnd();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the world's threads have ended, after the driver was told to end. */
    abstract void awaitEnd() throws InterruptedException;
}
