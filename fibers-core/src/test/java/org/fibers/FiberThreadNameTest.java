package org.fibers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.fibers.channels.Channel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A fiber's virtual thread carries the fiber's name once it has waited (thread dumps, logs, JFR). */
@Timeout(30)
class FiberThreadNameTest {
    @Test
    void waitingFiberThreadIsNamedAfterTheFiberAndAnExplicitNameWins() {
        AtomicReference<String> seenInside = new AtomicReference<>();
        Fibers.run(() -> {
            Channel<String> ch = new Channel<>();
            Fiber<?> waiter = Fibers.spawn(() -> {
                ch.get();
                seenInside.set(Thread.currentThread().getName());
            });
            Thread t = waiter.thread();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> waiter.state() == Fiber.State.SUSPENDED);
            assertEquals("fiber-" + waiter.id(), t.getName(), "named as it parked");
            assertEquals(waiter.name(), t.getName());
            ch.put("go");
            waiter.join();
            assertEquals("fiber-" + waiter.id(), seenInside.get(), "the fiber sees its own name");

            Fiber<?> named = Fibers.spawn(() -> {
                ch.get();
            }).setName("worker");
            Thread nt = named.thread();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> named.state() == Fiber.State.SUSPENDED);
            assertEquals("worker", nt.getName());
            ch.put("go");
            named.join();
            return null;
        });
    }
}
