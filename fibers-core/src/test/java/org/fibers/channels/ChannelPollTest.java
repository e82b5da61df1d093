package org.fibers.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.operations.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Operation#poll()} and {@link Operation#performOrElse}: Go's select with a default. */
@Timeout(60)
class ChannelPollTest {
    private static final int ROUNDS = 1000;

    /** A sender is waiting each time: poll takes its message every time, unlike choice(get, always). */
    @Test
    void aReadyBranchIsTakenEveryTime() {
        int[] counts = Fibers.run(() -> {
            Channel<Integer> ch = new Channel<>();
            Fiber sender = Fibers.spawn(() -> {
                for (int i = 0; i < 2 * ROUNDS; i++) {
                    ch.put(i);
                }
            });
            int polled = 0;
            int chosen = 0;
            for (int i = 0; i < ROUNDS; i++) {
                awaitWaitingSender(ch);
                if (ch.getOperation().wrap(m -> -1).performOrElse(-2) == -1) {
                    polled++;
                }
                awaitWaitingSender(ch);
                // choice with an always-ready default: picks at random among ready branches
                if (Operation.choice(ch.getOperation().wrap(m -> -1), Operation.always(-2)).perform() == -1) {
                    chosen++;
                } else {
                    ch.get();                   // keep the sender's count in step
                }
            }
            sender.join();
            return new int[] {polled, chosen};
        });
        assertEquals(ROUNDS, counts[0], "poll took the ready branch");
        assertTrue(counts[1] < ROUNDS, "choice(get, always) took the default sometimes: " + counts[1]);
    }

    @Test
    void nothingReadyYieldsTheDefaultAndPublishesNothing() {
        Channel<Integer> ch = new Channel<>();
        assertEquals(Optional.empty(), Operation.choice(ch.getOperation(), ch.putOperation(1).wrap(v -> 0)).poll());
        assertEquals(7, ch.getOperation().performOrElse(7));
        assertEquals(0, ch.tryPut(3) ? 1 : 0, "no waiter was left behind by the polls");
    }

    @Test
    void aNullValueIsNotTheDefault() {
        assertEquals(null, Operation.always((String) null).performOrElse("default"));
        assertEquals(Optional.empty(), Operation.always((String) null).poll());
        assertEquals(Optional.of("x"), Operation.always("x").poll());
    }

    @Test
    void nacksFireWhenNothingIsReady() {
        AtomicBoolean nacked = new AtomicBoolean();
        Operation<Integer> op = Operation.withNack(nack -> {
            Fibers.spawn(() -> {
                nack.perform();
                nacked.set(true);
            });
            return Operation.never();
        });
        Fibers.run(() -> {
            assertEquals(Optional.empty(), op.poll());
            Fibers.sleep(Duration.ofMillis(20));
            return null;
        });
        assertTrue(nacked.get());
    }

    private static void awaitWaitingSender(Channel<Integer> ch) {
        while (!(ch.waitingParties() > 0)) {
            Fibers.yieldNow();
        }
    }
}
