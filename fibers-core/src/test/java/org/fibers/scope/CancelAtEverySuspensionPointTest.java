package org.fibers.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fibers.Fiber;
import org.fibers.FiberCancelledException;
import org.fibers.FiberScope;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.channels.Channel;
import org.fibers.conditions.Condition;
import org.fibers.operations.Operation;
import org.fibers.scheduler.Scheduler;
import org.fibers.timers.Timers;
import org.junit.jupiter.api.Test;

class CancelAtEverySuspensionPointTest {
    @Test
    void aSuspendedFiberWakesWithCancellationWhereverItWaits() {
        Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            Channel<String> channel = new Channel<>();
            Condition condition = new Condition();
            Fiber<Void> sleeper = Fibers.spawn(() -> Fibers.sleep(Duration.ofSeconds(60)));
            Map<String, Runnable> waits = Map.of(
                    "channel get", channel::get,
                    "channel put", () -> channel.put("never taken"),
                    "choice", () -> Operation.choice(channel.getOperation(),
                            Timers.sleepOperation(Duration.ofSeconds(60))).perform(),
                    "condition", condition::await,
                    "sleep", () -> Fibers.sleep(Duration.ofSeconds(60)),
                    "join", sleeper::join,
                    "scope join", () -> {
                        try (FiberScope scope = FiberScope.awaitAll()) {
                            scope.spawn(() -> Fibers.sleep(Duration.ofSeconds(60)));
                            scope.join();
                        }
                    },
                    "suspendCurrentTask", () -> Scheduler.suspendCurrentTask((s, resume) -> { }));
            for (Map.Entry<String, Runnable> wait : waits.entrySet()) {
                AtomicBoolean interruptStatusKept = new AtomicBoolean();
                Fiber<Void> f = Fibers.spawn(() -> {
                    try {
                        wait.getValue().run();
                    } catch (FiberCancelledException e) {
                        interruptStatusKept.set(Thread.currentThread().isInterrupted());
                        throw e;
                    }
                }, Scheduler.current(), true);
                Fibers.sleep(Duration.ofMillis(10));
                assertEquals(Fiber.State.SUSPENDED, f.state(), wait.getKey());
                assertTrue(f.cancel(), wait.getKey());
                assertThrows(FiberCancelledException.class, f::join, wait.getKey());
                assertTrue(interruptStatusKept.get(), wait.getKey() + ": interrupt status stays set");
            }
            // the channel kept no waiter from the cancelled gets, puts and choices
            Fibers.spawn(() -> channel.put("fresh"));
            assertEquals("fresh", channel.get());
            sleeper.cancel();
            return null;
        });
    }
}
