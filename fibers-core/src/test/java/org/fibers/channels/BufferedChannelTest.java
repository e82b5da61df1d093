package org.fibers.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.operations.Operation;
import org.fibers.timers.Timers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The rules of {@link BufferedChannel}, each shown once, in fibers. */
@Timeout(30)
class BufferedChannelTest {
    @Test
    void putsCompleteWithoutAReceiverUntilTheBufferIsFull() {
        BufferedChannel<Integer> ch = new BufferedChannel<>(3);
        assertTrue(ch.tryPut(1));
        assertTrue(ch.tryPut(2));
        ch.put(3);                              // room: does not wait
        assertEquals(3, ch.size());
        assertFalse(ch.tryPut(4), "full: tryPut refuses and sends nothing");
        assertEquals(3, ch.size());
        assertEquals(List.of(1, 2, 3), List.of(ch.get(), ch.get(), ch.get()));
        assertEquals(Optional.empty(), ch.tryGet());
    }

    @Test
    void aFullBufferMakesTheSenderWaitUntilAReceiverFreesASlot() {
        List<Integer> got = Fibers.run(() -> {
            BufferedChannel<Integer> ch = new BufferedChannel<>(1);
            Fiber sender = Fibers.spawn(() -> {
                for (int i = 0; i < 5; i++) {
                    ch.put(i);                  // waits from the second message on
                }
                ch.close();
            });
            List<Integer> out = new ArrayList<>();
            for (int m : ch) {
                out.add(m);
            }
            sender.join();
            return out;
        });
        assertEquals(List.of(0, 1, 2, 3, 4), got, "FIFO, nothing lost");
    }

    @Test
    void aWaitingReceiverGetsTheNextPutDirectly() {
        int got = Fibers.run(() -> {
            BufferedChannel<Integer> ch = new BufferedChannel<>(2);
            Fiber receiver = Fibers.spawn(() -> assertEquals(42, ch.get()));
            Fibers.sleep(Duration.ofMillis(20));  // let it block
            ch.put(42);
            receiver.join();
            return ch.size();
        });
        assertEquals(0, got, "handed over, not left in the buffer");
    }

    @Test
    void closeLetsReceiversDrainThenShowsTheEnd() {
        BufferedChannel<String> ch = new BufferedChannel<>(4);
        ch.put("a");
        ch.put("b");
        ch.close();
        assertTrue(ch.isClosed());
        assertThrows(ChannelClosedException.class, () -> ch.put("c"));
        assertThrows(ChannelClosedException.class, () -> ch.tryPut("c"));
        assertEquals("a", ch.get());
        assertEquals(Optional.of("b"), ch.getOrEndOperation().perform());
        assertEquals(Optional.empty(), ch.getOrEndOperation().perform());
        assertThrows(ChannelClosedException.class, ch::get);
        assertThrows(ChannelClosedException.class, ch::tryGet);
        assertThrows(ChannelClosedException.class, () -> ch.getOperation().perform());
        ch.close();                             // idempotent
    }

    @Test
    void closeRefusesWaitingSendersAndEndsWaitingReceivers() {
        Fibers.run(() -> {
            BufferedChannel<Integer> full = new BufferedChannel<>(1);
            full.put(1);
            Fiber sender = Fibers.spawn(() -> assertThrows(ChannelClosedException.class, () -> full.put(2)));
            BufferedChannel<Integer> empty = new BufferedChannel<>(1);
            Fiber receiver = Fibers.spawn(() -> assertEquals(Optional.empty(), empty.getOrEndOperation().perform()));
            Fibers.sleep(Duration.ofMillis(20));
            full.close();
            empty.close();
            sender.join();
            receiver.join();
            assertEquals(1, full.get(), "the buffered message is still delivered");
            assertThrows(ChannelClosedException.class, full::get, "the refused one is not");
            return null;
        });
    }

    @Test
    void aLosingBranchLeavesNoMessageInTheBuffer() {
        BufferedChannel<Integer> a = new BufferedChannel<>(1);
        BufferedChannel<Integer> b = new BufferedChannel<>(1);
        a.put(0);                               // a is full, b has room: only b's put is ready
        String won = Operation.choice(a.putOperation(1).wrap(v -> "a"), b.putOperation(2).wrap(v -> "b")).perform();
        assertEquals("b", won);
        assertEquals(1, a.size());
        assertEquals(0, a.get());
        assertEquals(2, b.get());
    }

    @Test
    void aGetBranchThatTimesOutLeavesNoWaiterBehind() {
        Fibers.run(() -> {
            BufferedChannel<Integer> ch = new BufferedChannel<>(2);
            for (int i = 0; i < 200; i++) {
                Optional<Integer> r = Operation.choice(
                        ch.getOperation().wrap(Optional::of),
                        Timers.sleepOperation(Duration.ofNanos(1)).wrap(v -> Optional.<Integer>empty())).perform();
                assertEquals(Optional.empty(), r);
            }
            ch.put(7);                          // a stale getter would swallow it
            assertEquals(1, ch.size());
            return null;
        });
    }

    @Test
    void aClosedChannelsBranchIsReadyInAChoice() {
        BufferedChannel<Integer> closed = new BufferedChannel<>(1);
        closed.close();
        Channel<Integer> idle = new Channel<>();
        Optional<Integer> r = Operation.choice(closed.getOrEndOperation(), idle.getOperation().wrap(Optional::of)).perform();
        assertEquals(Optional.empty(), r, "the end is a ready branch, so the choice does not wait");
        assertThrows(ChannelClosedException.class,
                () -> Operation.choice(closed.putOperation(1), idle.putOperation(2)).perform());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BufferedChannel<Integer>(0));
        BufferedChannel<Integer> ch = new BufferedChannel<>(1);
        assertThrows(NullPointerException.class, () -> ch.put(null));
        assertEquals(0, ch.size(), "nothing was buffered");
    }
}
