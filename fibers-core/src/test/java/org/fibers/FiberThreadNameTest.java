package org.fibers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.fibers.channels.Channel;
import org.fibers.scheduler.Scheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A fiber's virtual thread carries the fiber's name from its first instruction on (so the body
 * itself, thread dumps, logs and JFR see it), whether the name is the default {@code fiber-ID},
 * given at spawn, or set later.
 */
@Timeout(30)
class FiberThreadNameTest {
    @Test
    void aFiberThatNeverWaitsSeesItsDefaultNameAtOnce() {
        AtomicReference<String> seenInside = new AtomicReference<>();
        Fiber<?> f = Fibers.run(() -> {
            Fiber<Void> child = Fibers.spawn(() -> seenInside.set(Thread.currentThread().getName()));
            child.join();
            return child;
        });
        assertEquals("fiber-" + f.id(), f.name());
        assertEquals(f.name(), seenInside.get(), "the body's first look at its thread's name");
    }

    @Test
    void aCallableFiberSeesItsDefaultNameAtOnceOnAnotherScheduler() throws Exception {
        Scheduler s = Scheduler.create(2).start();
        try {
            Fiber<String> f = Fibers.spawn(() -> Thread.currentThread().getName(), s, true);
            assertEquals(f.name(), f.join());
            assertEquals("fiber-" + f.id(), f.join());
        } finally {
            s.close();
        }
    }

    @Test
    void aNameGivenAtSpawnIsTheThreadsNameFromTheStart() {
        Fibers.run(() -> {
            Fiber<String> callable = Fibers.spawn("resolver-1", () -> Thread.currentThread().getName());
            assertEquals("resolver-1", callable.join());
            assertEquals("resolver-1", callable.name());

            AtomicReference<String> seenInside = new AtomicReference<>();
            Fiber<Void> runnable = Fibers.spawn("acceptor", () -> seenInside.set(Thread.currentThread().getName()));
            runnable.join();
            assertEquals("acceptor", seenInside.get());
            assertEquals("acceptor", runnable.name());
            return null;
        });
    }

    @Test
    void aWaitingFiberShowsByNameInADumpAndSetNameRenamesItsThread() {
        AtomicReference<String> seenInside = new AtomicReference<>();
        Fibers.run(() -> {
            Channel<String> ch = new Channel<>();
            Fiber<?> waiter = Fibers.spawn(() -> {
                ch.get();
                seenInside.set(Thread.currentThread().getName());
            });
            Thread t = waiter.thread();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> waiter.state() == Fiber.State.SUSPENDED);
            assertEquals("fiber-" + waiter.id(), t.getName(), "parked, as a thread dump shows it");
            waiter.setName("renamed");
            assertEquals("renamed", t.getName());
            ch.put("go");
            waiter.join();
            assertEquals("renamed", seenInside.get(), "the fiber sees its new name");
            assertEquals("renamed", waiter.name());
            return null;
        });
    }
}
