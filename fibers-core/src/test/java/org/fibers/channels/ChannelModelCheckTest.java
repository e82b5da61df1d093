package org.fibers.channels;

import static org.fibers.testing.PlatformThreads.join;
import static org.fibers.testing.PlatformThreads.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.fibers.conditions.Condition;
import org.fibers.operations.Operation;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

/**
 * Model checking of the offer/commit protocol with Lincheck: each test body runs many times
 * while Lincheck controls the thread switches (at every shared-memory access, CAS and park),
 * exploring different interleavings, and reports the interleaving of any failed assertion,
 * deadlock or livelock. The threads are plain platform threads, so perform() parks them.
 *
 * <p>Sequential consistency is assumed by the checker: these tests find interleaving bugs,
 * not memory-ordering ones.
 */
class ChannelModelCheckTest {
    /** Interleavings explored per test: bounded so the class runs in well under a minute. */
    private static final int INVOCATIONS = 150;

    @Test
    void putMeetsGet() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            Channel<Integer> ch = new Channel<>();
            int[] got = new int[1];
            Thread t1 = start(() -> ch.put(1));
            Thread t2 = start(() -> got[0] = ch.get());
            join(t1, t2);
            assertEquals(1, got[0]);
        });
    }

    @Test
    void twoSendersOneReceiverEachMessageOnce() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            Channel<Integer> ch = new Channel<>();
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
        });
    }

    /** Two choices each holding a put and a get on one channel: exactly one must put. */
    @Test
    void choicesOfPutAndGetOnOneChannelPairUp() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> checkSelfSync(putGetChoice(new Channel<>())));
    }

    /** Crossed choices: t1 = put(a) | get(b), t2 = put(b) | get(a). The CLAIMED case. */
    @Test
    void crossedChoicesCommitExactlyOnePair() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            Channel<Integer> a = new Channel<>();
            Channel<Integer> b = new Channel<>();
            int[] r = new int[2];
            Thread t1 = start(() -> r[0] = Operation.choice(
                    a.putOperation(1).wrap(v -> 0), b.getOperation()).perform());
            Thread t2 = start(() -> r[1] = Operation.choice(
                    b.putOperation(2).wrap(v -> 0), a.getOperation()).perform());
            join(t1, t2);
            // Either t1's put on a met t2's get on a, or t2's put on b met t1's get on b.
            assertTrue((r[0] == 0 && r[1] == 1) || (r[0] == 2 && r[1] == 0),
                    "t1=" + r[0] + " t2=" + r[1]);
        });
    }

    /** A put meeting a choice that contains the matching get, with a rival sender. */
    @Test
    void putMeetsChoiceWithRival() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            Channel<Integer> a = new Channel<>();
            Channel<Integer> b = new Channel<>();
            int[] got = new int[2];
            Thread pa = start(() -> a.put(1));
            Thread pb = start(() -> b.put(2));
            Thread c = start(() -> {
                for (int i = 0; i < 2; i++) {
                    got[i] = Operation.choice(a.getOperation(), b.getOperation()).perform();
                }
            });
            join(pa, pb, c);
            assertEquals(3, got[0] + got[1]);
        });
    }

    @Test
    void conditionSignalWakesWaiter() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            Condition cv = new Condition();
            Thread w = start(cv::await);
            Thread s = start(cv::signal);
            join(w, s);
            assertTrue(cv.isSignalled());
        });
    }

    /** The same protocol on the toy channel passes... */
    @Test
    void toyChannelWithClaimPasses() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> checkSelfSync(toyChoice(new ToyChannel<>(true))));
    }

    /** ...and without claiming its own state first, the checker finds the double commit. */
    @Test
    void toyChannelWithoutClaimIsCaught() {
        Throwable failure = assertThrows(Throwable.class, () -> Lincheck.runConcurrentTest(
                5_000, () -> checkSelfSync(toyChoice(new ToyChannel<>(false)))));
        // The failure is the pairing assertion (e.g. "t1=0 t2=0": both put, a message lost),
        // or a hang: a performer resumed while its own state never became SYNCED (it waits on
        // the state word) parks for good. Lincheck reports either with its interleaving.
        String report = failure.toString();
        assertTrue(failure.getClass().getName().contains("lincheck")
                && (report.contains("t1=") || report.contains("Concurrent test has hung")), report);
    }

    private static Function<Integer, Integer> putGetChoice(Channel<Integer> ch) {
        return v -> Operation.choice(ch.putOperation(v).wrap(x -> 0), ch.getOperation()).perform();
    }

    private static Function<Integer, Integer> toyChoice(ToyChannel<Integer> ch) {
        return v -> Operation.choice(ch.putOperation(v).wrap(x -> 0), ch.getOperation()).perform();
    }

    /** Two threads perform put(own value) | get: one must put (0), the other receive it. */
    private static void checkSelfSync(Function<Integer, Integer> putOrGet) {
        int[] r = new int[2];
        Thread t1 = start(() -> r[0] = putOrGet.apply(1));
        Thread t2 = start(() -> r[1] = putOrGet.apply(2));
        join(t1, t2);
        assertTrue((r[0] == 0 && r[1] == 1) || (r[0] == 2 && r[1] == 0), "t1=" + r[0] + " t2=" + r[1]);
    }
}
