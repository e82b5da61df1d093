package org.fibers.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.fibers.Fiber;
import org.fibers.FiberFailedException;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.channels.Channel;
import org.fibers.scheduler.Scheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A JFR recording of a small run holds fibers-core's events with the right fields. */
@Timeout(120)
class FiberEventsTest {
    private static final Duration BLOCKED_THRESHOLD = Duration.ofMillis(30);

    @Test
    void recordingHoldsSpawnEndBlockStealAndSleepEvents(@TempDir Path dir) throws Exception {
        List<Long> ids = new ArrayList<>();
        AtomicLong stolen = new AtomicLong();
        long[] getterId = new long[1];
        long[] failerId = new long[1];
        String[] groupNames = new String[2];
        Path file = dir.resolve("fibers.jfr");
        Fibers.run(() -> null);                 // loads the event classes before the recording starts
        try (Recording r = new Recording()) {
            r.enable(FiberSpawnedEvent.NAME);
            r.enable(FiberEndedEvent.NAME);
            r.enable(FiberBlockedEvent.NAME).withThreshold(BLOCKED_THRESHOLD).withStackTrace();
            r.enable(FiberStealEvent.NAME);
            r.enable(SchedulerSleepEvent.NAME).withThreshold(Duration.ZERO);
            r.start();
            Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
                Scheduler here = Scheduler.current();
                groupNames[0] = here.name();
                groupNames[1] = here.remotePeers().get(0).name();
                Channel<String> ch = new Channel<>();
                Fiber<?> getter = Fibers.spawn(() -> {
                    ch.get();
                }).setName("jfr-getter");
                getterId[0] = getter.id();
                Fibers.sleep(Duration.ofMillis(150));   // the getter blocks, the carriers sleep
                ch.put("x");
                getter.join();
                Fiber<?> failer = Fibers.spawn(() -> {
                    throw new IllegalStateException("expected by the test");
                });
                failerId[0] = failer.id();
                try {
                    failer.join();
                } catch (FiberFailedException expected) {
                    // claimed: not reported as uncaught
                }
                // Work for the idle peer to steal: rounds of fibers that yield, until it did.
                for (int round = 0; round < 50 && stolen.get() == 0; round++) {
                    List<Fiber<?>> batch = new ArrayList<>();
                    for (int i = 0; i < 64; i++) {
                        batch.add(Fibers.spawn(() -> {
                            for (int y = 0; y < 20; y++) {
                                Fibers.yieldNow();
                            }
                        }));
                    }
                    batch.forEach(f -> ids.add(f.id()));
                    batch.forEach(Fiber::join);
                    stolen.set(here.stolenTasks() + here.remotePeers().get(0).stolenTasks());
                }
                return null;
            });
            r.stop();
            r.dump(file);
        }
        assertTrue(Files.size(file) > 0);
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Set<String> group = Set.of(groupNames);

        List<RecordedEvent> spawned = of(events, FiberSpawnedEvent.NAME);
        Set<Long> spawnedIds = spawned.stream().map(e -> e.getLong("fiberId")).collect(Collectors.toSet());
        assertTrue(spawnedIds.contains(getterId[0]) && spawnedIds.contains(failerId[0]) && spawnedIds.containsAll(ids),
                "every fiber's spawn is recorded");
        RecordedEvent getterSpawn = spawned.stream().filter(e -> e.getLong("fiberId") == getterId[0]).findFirst().orElseThrow();
        assertEquals("fiber-" + getterId[0], getterSpawn.getString("fiber"), "named at spawn by its id");
        assertTrue(group.contains(getterSpawn.getString("scheduler")));

        RecordedEvent failed = of(events, FiberEndedEvent.NAME).stream().filter(e -> e.getLong("fiberId") == failerId[0])
                .findFirst().orElseThrow();
        assertEquals("failed", failed.getString("outcome"));
        assertEquals(IllegalStateException.class.getName(), failed.getString("failure"));
        RecordedEvent returned = of(events, FiberEndedEvent.NAME).stream().filter(e -> e.getLong("fiberId") == getterId[0])
                .findFirst().orElseThrow();
        assertEquals("returned", returned.getString("outcome"));
        assertEquals("jfr-getter", returned.getString("fiber"));

        List<RecordedEvent> blocked = of(events, FiberBlockedEvent.NAME);
        RecordedEvent getterBlocked = blocked.stream().filter(e -> "jfr-getter".equals(e.getString("fiber"))).findFirst()
                .orElseThrow(() -> new AssertionError("no FiberBlocked for the getter in " + blocked));
        assertEquals("channel-get", getterBlocked.getString("waitKind"));
        assertTrue(getterBlocked.getString("waitedFor").startsWith("channel-get channel@"), getterBlocked.getString("waitedFor"));
        assertTrue(getterBlocked.getDuration().toMillis() >= 100, "it waited for the put: " + getterBlocked.getDuration());
        assertTrue(group.contains(getterBlocked.getString("scheduler")));
        assertFalse(getterBlocked.getStackTrace().getFrames().isEmpty(), "with the perform's stack");
        for (RecordedEvent e : blocked) {
            assertTrue(e.getDuration().compareTo(BLOCKED_THRESHOLD) >= 0, "the threshold applies: " + e);
        }

        long recordedSteals = of(events, FiberStealEvent.NAME).stream().filter(e -> group.contains(e.getString("thief")))
                .mapToLong(e -> {
                    assertTrue(group.contains(e.getString("victim")) && !e.getString("victim").equals(e.getString("thief")));
                    assertTrue(e.getInt("tasks") > 0);
                    return e.getInt("tasks");
                }).sum();
        assertTrue(stolen.get() > 0, "the workload made the peer steal");
        assertEquals(stolen.get(), recordedSteals, "one event per steal, with the tasks it took");

        List<RecordedEvent> sleeps = of(events, SchedulerSleepEvent.NAME).stream()
                .filter(e -> group.contains(e.getString("scheduler"))).toList();
        assertTrue(sleeps.stream().anyMatch(e -> e.getDuration().toMillis() >= 50),
                "a carrier slept while the init fiber slept: " + sleeps.size() + " sleeps");
        assertTrue(sleeps.stream().anyMatch(e -> e.getBoolean("woken")), "some sleep was ended by a waker");
    }

    private static List<RecordedEvent> of(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }
}
