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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Closing, iteration and the non-blocking attempts of the rendezvous {@link Channel}. */
@Timeout(30)
class ChannelCloseTest {
    @Test
    void sendsAfterCloseAreRefused() {
        Channel<Integer> ch = new Channel<>();
        ch.close();
        assertTrue(ch.isClosed());
        assertThrows(ChannelClosedException.class, () -> ch.put(1));
        assertThrows(ChannelClosedException.class, () -> ch.tryPut(1));
        assertThrows(ChannelClosedException.class, () -> ch.putOperation(1).perform());
        assertEquals(0, ch.queuedEntries(), "nothing was published");
    }

    @Test
    void receiversSeeTheEnd() {
        Channel<Integer> ch = new Channel<>();
        ch.close();
        assertThrows(ChannelClosedException.class, ch::get);
        assertThrows(ChannelClosedException.class, ch::tryGet);
        assertThrows(ChannelClosedException.class, () -> ch.getOperation().perform());
        assertEquals(Optional.empty(), ch.getOrEndOperation().perform());
        assertFalse(ch.iterator().hasNext());
    }

    @Test
    void closeWakesWaitingSendersWithTheExceptionAndReceiversWithTheEnd() {
        Fibers.run(() -> {
            Channel<Integer> ch = new Channel<>();
            Channel<Integer> other = new Channel<>();
            Fiber sender = Fibers.spawn(() -> assertThrows(ChannelClosedException.class, () -> ch.put(1)));
            Fiber chooser = Fibers.spawn(() -> assertThrows(ChannelClosedException.class,
                    () -> Operation.choice(ch.putOperation(2), other.putOperation(3)).perform()));
            Channel<Integer> third = new Channel<>();
            Fiber receiver = Fibers.spawn(() -> assertEquals(Optional.empty(),
                    third.getOrEndOperation().perform()));
            Fibers.sleep(Duration.ofMillis(20));  // all three wait
            ch.close();
            sender.join();
            chooser.join();
            third.close();
            receiver.join();
            assertEquals(0, ch.waitingParties() + third.waitingParties());
            return null;
        });
    }

    @Test
    void iterationReceivesEveryMessageUntilClose() {
        List<Integer> got = Fibers.run(() -> {
            Channel<Integer> ch = new Channel<>();
            Fibers.spawn(() -> {
                for (int i = 0; i < 100; i++) {
                    ch.put(i);
                }
                ch.close();
            });
            List<Integer> out = new ArrayList<>();
            ch.forEach(out::add);
            return out;
        });
        assertEquals(100, got.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(i, got.get(i));
        }
    }

    @Test
    void tryPutAndTryGetNeedAWaitingPartner() {
        Fibers.run(() -> {
            Channel<String> ch = new Channel<>();
            assertFalse(ch.tryPut("nobody"));
            assertEquals(Optional.empty(), ch.tryGet());
            assertEquals(0, ch.queuedEntries(), "the attempts published nothing");
            Channel<String> in = new Channel<>();
            Fiber receiver = Fibers.spawn(() -> assertEquals("hi", ch.get()));
            Fiber sender = Fibers.spawn(() -> in.put("back"));
            Fibers.sleep(Duration.ofMillis(20));
            assertEquals(Optional.of("back"), in.tryGet());
            assertTrue(ch.tryPut("hi"));
            receiver.join();
            sender.join();
            return null;
        });
    }
}
