package org.fibers.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.junit.jupiter.api.Test;

class CloseTest {
    private static Set<String> fiberThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                // the fallback timers and the failure reporter are one daemon each per JVM, no run's
                .filter(n -> n.startsWith("fibers-") && !n.startsWith("fibers-fallback")
                        && !n.equals("fibers-failure-reporter"))
                .collect(Collectors.toSet());
    }

    @Test
    void afterRunNoCarrierOrTickerThreadRemains() {
        await().atMost(Duration.ofSeconds(10)).until(() -> fiberThreads().isEmpty());
        for (int i = 0; i < 5; i++) {
            Fibers.run(RunOptions.builder().parallelism(4).hz(100).build(), () -> {
                for (int k = 0; k < 100; k++) {
                    Fibers.spawn(() -> Fibers.sleep(Duration.ofMillis(1)), org.fibers.scheduler.Scheduler.current(), true);
                }
                return null;
            });
            assertEquals(Set.of(), fiberThreads(), "threads left after run " + i);
        }
    }

    @Test
    void closeStopsPeersAndIsIdempotent() {
        Scheduler s = Scheduler.create(3);
        s.setHz(50);
        Fibers.run(RunOptions.builder().scheduler(s).build(), () -> 1);
        s.close();
        s.close();
        assertEquals(Set.of(), fiberThreads());
        assertThrows(IllegalStateException.class, () -> s.run(() -> true));
    }
}
