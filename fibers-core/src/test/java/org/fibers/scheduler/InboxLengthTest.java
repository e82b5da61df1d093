package org.fibers.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.fibers.introspect.Introspection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tasks submitted from another thread count in the inbox until the carrier takes them. */
@Timeout(30)
class InboxLengthTest {
    @Test
    void foreignSubmissionsWaitInTheInboxUntilTheCarrierRuns() {
        try (Scheduler s = Scheduler.create(1)) {
            AtomicInteger ran = new AtomicInteger();
            for (int i = 0; i < 3; i++) {
                s.schedule(ran::incrementAndGet);     // not running: no carrier to take them
            }
            assertEquals(3, s.inboxLength());
            assertEquals(0, s.runQueueLength());
            assertEquals(3, Introspection.info(s).inbox(), "introspection reports it");
            s.run(() -> ran.get() == 3);
            assertEquals(0, s.inboxLength(), "taken by the carrier's turn");
        }
    }
}
