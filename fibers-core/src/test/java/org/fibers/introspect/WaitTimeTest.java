package org.fibers.introspect;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.channels.Channel;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How long a blocked fiber has waited is right whether the wait's start came from the coarse
 * clock (a group with a preemption ticker) or from the clock itself (hz 0: no ticker).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WaitTimeTest {
    @ParameterizedTest(name = "hz {0}")
    @ValueSource(ints = {100, 0})
    void aBlockedGetReportsHowLongItHasWaited(int hz) throws InterruptedException {
        if (hz == 0) {
            Thread.sleep(2000); // an old tick left by a closed group would now be 2 s stale
        }
        Fibers.run(RunOptions.builder().parallelism(1).hz(hz).build(), () -> {
            Channel<String> channel = new Channel<>();
            Fiber<String> getter = Fibers.spawn(channel::get);
            for (int i = 0; i < 1000 && Introspection.waitOf(getter) == null; i++) {
                Fibers.sleep(Duration.ofMillis(10)); // let the getter run and block (bounded)
            }
            assertTrue(Introspection.waitOf(getter) != null, "the getter blocked");
            Fibers.sleep(Duration.ofMillis(300));
            long waited = Introspection.info(getter).waitNanos();
            assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(290), "waited at least the 300 ms slept: " + waited);
            assertTrue(waited < TimeUnit.MILLISECONDS.toNanos(1800), "no stale start time: " + waited);
            channel.put("done");
            return getter.join();
        });
    }
}
