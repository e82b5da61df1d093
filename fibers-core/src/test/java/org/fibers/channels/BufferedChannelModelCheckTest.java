package org.fibers.channels;

import static org.fibers.testing.PlatformThreads.join;
import static org.fibers.testing.PlatformThreads.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.fibers.operations.Operation;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

/**
 * Lincheck model checking of the buffered channel and of closing (both channel kinds), as
 * {@link ChannelModelCheckTest} does for the rendezvous protocol: each body runs under many
 * interleavings chosen by the checker, which reports any failed assertion, deadlock or hang.
 */
class BufferedChannelModelCheckTest {
    /** Interleavings explored per test: bounded so the class runs in well under a minute. */
    private static final int INVOCATIONS = 150;

    /** Capacity 1, two senders, one receiver: the second sender waits; each message once. */
    @Test
    void fullBufferSenderWaitsAndEachMessageArrivesOnce() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            BufferedChannel<Integer> ch = new BufferedChannel<>(1);
            int[] got = new int[2];
            Thread p1 = start(() -> ch.put(1));
            Thread p2 = start(() -> ch.put(2));
            Thread c = start(() -> {
                got[0] = ch.get();
                got[1] = ch.get();
            });
            join(p1, p2, c);
            assertEquals(3, got[0] + got[1]);
            assertEquals(2, got[0] * got[1]);
            assertEquals(0, ch.size());
        });
    }

    /** Two choices each holding a put and a get on one buffered channel: both complete. */
    @Test
    void choicesOfPutAndGetOnOneBufferedChannel() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            BufferedChannel<Integer> ch = new BufferedChannel<>(1);
            int[] r = new int[2];
            Thread t1 = start(() -> r[0] = Operation.choice(ch.putOperation(1).wrap(v -> 0), ch.getOperation()).perform());
            Thread t2 = start(() -> r[1] = Operation.choice(ch.putOperation(2).wrap(v -> 0), ch.getOperation()).perform());
            join(t1, t2);
            // Each message sent is received or still buffered: none lost, none doubled.
            int buffered = ch.size();
            int received = (r[0] != 0 ? 1 : 0) + (r[1] != 0 ? 1 : 0);
            int sent = (r[0] == 0 ? 1 : 0) + (r[1] == 0 ? 1 : 0);
            assertEquals(sent, received + buffered, "t1=" + r[0] + " t2=" + r[1] + " buffered=" + buffered);
            assertTrue(buffered <= 1);
            assertTrue(r[0] != r[1] || r[0] == 0, "a message received twice");
        });
    }

    /** Crossed choices over two buffered channels, one full: exactly one commit per thread. */
    @Test
    void crossedChoicesOverBufferedChannels() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            BufferedChannel<Integer> a = new BufferedChannel<>(1);
            BufferedChannel<Integer> b = new BufferedChannel<>(1);
            a.put(9);                           // a full: puts on a wait, gets on a are ready
            b.put(8);
            int[] r = new int[2];
            Thread t1 = start(() -> r[0] = Operation.choice(a.putOperation(1).wrap(v -> 0), b.getOperation()).perform());
            Thread t2 = start(() -> r[1] = Operation.choice(b.putOperation(2).wrap(v -> 0), a.getOperation()).perform());
            join(t1, t2);
            int total = a.size() + b.size();
            int received = (r[0] != 0 ? 1 : 0) + (r[1] != 0 ? 1 : 0);
            int sent = 2 - received;
            assertEquals(2 + sent - received, total, "t1=" + r[0] + " t2=" + r[1]);
        });
    }

    /** Close races a waiting sender and a receiver: the buffered message is drained, never lost. */
    @Test
    void closeRacesSenderAndReceiverOnBufferedChannel() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            BufferedChannel<Integer> ch = new BufferedChannel<>(1);
            ch.put(1);
            boolean[] sent = new boolean[1];
            int[] got = new int[2];
            Thread p = start(() -> {
                try {
                    ch.put(2);
                    sent[0] = true;
                } catch (ChannelClosedException refused) {
                    sent[0] = false;
                }
            });
            Thread c = start(() -> got[0] = ch.getOrEndOperation().perform().orElse(-1));
            Thread k = start(ch::close);
            join(p, c, k);
            got[1] = ch.getOrEndOperation().perform().orElse(-1);
            assertEquals(1, got[0], "FIFO: the buffered message first");
            assertEquals(sent[0] ? 2 : -1, got[1], "a sent message is drained after close, a refused one is not");
            assertEquals(Optional.empty(), ch.getOrEndOperation().perform());
        });
    }

    /** Close races a rendezvous put and get: they meet, or both see the close; never one-sided. */
    @Test
    void closeRacesRendezvous() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            Channel<Integer> ch = new Channel<>();
            boolean[] sent = new boolean[1];
            int[] got = new int[1];
            Thread p = start(() -> {
                try {
                    ch.put(5);
                    sent[0] = true;
                } catch (ChannelClosedException refused) {
                    sent[0] = false;
                }
            });
            Thread c = start(() -> got[0] = ch.getOrEndOperation().perform().orElse(-1));
            Thread k = start(ch::close);
            join(p, c, k);
            assertEquals(sent[0] ? 5 : -1, got[0], "sent=" + sent[0] + " got=" + got[0]);
            assertEquals(0, ch.waitingParties());
        });
    }

    /** A choice with a put on a channel being closed and a get on another: no lost message. */
    @Test
    void closeRacesAChoiceBranch() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            Channel<Integer> closing = new Channel<>();
            Channel<Integer> other = new Channel<>();
            int[] r = new int[1];
            Thread t = start(() -> {
                try {
                    r[0] = Operation.choice(closing.putOperation(1).wrap(v -> 1), other.getOperation()).perform();
                } catch (ChannelClosedException refused) {
                    r[0] = -1;
                }
            });
            boolean[] handed = new boolean[1];
            Thread p = start(() -> handed[0] = other.tryPut(2)); // true only if the choice took it
            Thread k = start(closing::close);
            join(t, p, k);
            // The choice ends (close makes its put branch ready) with the message or the refusal.
            assertEquals(handed[0] ? 2 : -1, r[0], "handed=" + handed[0] + " r=" + r[0]);
        });
    }
}
