package org.fibers.io.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The poller driven by hand from the test thread, which plays the carrier. */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EpollPollerTest {
    private EpollPoller poller;
    private Thread safetyNet;

    @BeforeEach
    void open() {
        Thread carrier = Thread.currentThread();
        poller = new EpollPoller(() -> carrier, "test");
        // If a wake-up were lost, the blocking polls below would never return: wake them at 10 s.
        safetyNet = new Thread(() -> {
            try {
                Thread.sleep(10_000);
                poller.wakeup();
            } catch (InterruptedException e) {
                // test over
            }
        });
        safetyNet.setDaemon(true);
        safetyNet.start();
    }

    @AfterEach
    void close() {
        safetyNet.interrupt();
        poller.close();
    }

    @Test
    void aWakeupThatComesBeforeTheBlockingPollIsNotLost() {
        poller.wakeup();
        long ms = timeMillis(() -> poller.pollBlocking(Long.MAX_VALUE));
        assertTrue(ms < 2000, "returned after " + ms + " ms");
        // The wakeup is consumed: the next poll does block until its deadline.
        long ms2 = timeMillis(() -> poller.pollBlocking(System.nanoTime() + 100_000_000L));
        assertTrue(ms2 >= 90, "second poll returned after " + ms2 + " ms");
    }

    @Test
    void aWakeupFromAnotherThreadEndsABlockingPoll() {
        Thread waker = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            poller.wakeup();
        });
        waker.start();
        long ms = timeMillis(() -> poller.pollBlocking(Long.MAX_VALUE));
        assertTrue(ms >= 80 && ms < 5000, "returned after " + ms + " ms");
    }

    @Test
    void aBlockingPollReturnsAtItsDeadlineWithSubMillisecondTimers() {
        long ms = timeMillis(() -> poller.pollBlocking(System.nanoTime() + 50_000_000L));
        assertTrue(ms >= 49 && ms < 1000, "50 ms deadline: returned after " + ms + " ms");
        long t0 = System.nanoTime();
        poller.pollBlocking(t0 + 2_000_000L);
        long us = (System.nanoTime() - t0) / 1000;
        assertTrue(us >= 1900 && us < 100_000, "2 ms deadline: returned after " + us + " µs");
        long past = timeMillis(() -> poller.pollBlocking(System.nanoTime() - 1));
        assertTrue(past < 50, "a passed deadline does not block: " + past + " ms");
    }

    @Test
    void pollNowCostsNoSystemCallWhenNothingIsRegistered() {
        long before = poller.polls();
        for (int i = 0; i < 100_000; i++) {
            poller.pollNow();
        }
        assertEquals(before, poller.polls());
        assertEquals(0, poller.registeredCount());
    }

    private static long timeMillis(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }
}
