package org.fibers.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.fibers.FiberScope;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spawning is a preemption point when hz &gt; 0: a fiber that spawns in a loop without ever
 * blocking yields once {@link Scheduler#SPAWN_YIELD_BACKLOG} tasks wait on its carrier, so its
 * children run in batches instead of piling up. With hz 0 a spawn never yields.
 */
class SpawnBacklogTest {
    private static final int SPAWNS = 20_000;

    static Stream<Arguments> spawners() {
        Consumer<Runnable> onCurrent = Fibers::spawn;
        Consumer<Runnable> onGiven = r -> Fibers.spawn(r, Scheduler.current(), false);
        return Stream.of(
                Arguments.of("Fibers.spawn(task)", onCurrent),
                Arguments.of("Fibers.spawn(task, scheduler, false)", onGiven));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("spawners")
    void aSpawningLoopLeavesAtMostTheBacklogUnrun(String how, Consumer<Runnable> spawn) {
        int[] result = Fibers.run(RunOptions.builder().parallelism(1).hz(100).build(), () -> {
            AtomicInteger ran = new AtomicInteger();
            int maxUnrun = 0;
            for (int i = 1; i <= SPAWNS; i++) {
                spawn.accept(ran::incrementAndGet);
                maxUnrun = Math.max(maxUnrun, i - ran.get());
            }
            int ranDuringLoop = ran.get();
            while (ran.get() < SPAWNS) {
                Fibers.yieldNow();
            }
            return new int[] {maxUnrun, ranDuringLoop};
        });
        assertTrue(result[0] <= Scheduler.SPAWN_YIELD_BACKLOG,
                how + ": at most the backlog waits unrun, saw " + result[0]);
        assertTrue(result[1] >= SPAWNS - Scheduler.SPAWN_YIELD_BACKLOG,
                how + ": children ran while the loop went on, only " + result[1] + " had");
    }

    @Test
    void aScopesSpawningLoopYieldsToo() {
        int maxUnrun = Fibers.run(RunOptions.builder().parallelism(1).hz(100).build(), () -> {
            AtomicInteger ran = new AtomicInteger();
            int max = 0;
            try (FiberScope scope = FiberScope.awaitAll()) {
                for (int i = 1; i <= SPAWNS; i++) {
                    scope.spawn(ran::incrementAndGet);
                    max = Math.max(max, i - ran.get());
                }
                scope.join();
            }
            assertEquals(SPAWNS, ran.get());
            return max;
        });
        assertTrue(maxUnrun <= Scheduler.SPAWN_YIELD_BACKLOG, "saw " + maxUnrun + " unrun children");
    }

    @Test
    void withoutPreemptionASpawnNeverYields() {
        int ranDuringLoop = Fibers.run(RunOptions.builder().parallelism(1).hz(0).build(), () -> {
            AtomicInteger ran = new AtomicInteger();
            for (int i = 0; i < SPAWNS; i++) {
                Fibers.spawn(ran::incrementAndGet);
            }
            return ran.get();
        });
        assertEquals(0, ranDuringLoop, "with hz 0 no child runs before its spawner blocks or yields");
    }
}
