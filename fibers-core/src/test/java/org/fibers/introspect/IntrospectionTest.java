package org.fibers.introspect;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.fibers.Fiber;
import org.fibers.FiberScope;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.channels.Channel;
import org.fibers.conditions.Condition;
import org.fibers.operations.Operation;
import org.fibers.scheduler.Scheduler;
import org.fibers.timers.Timers;
import org.junit.jupiter.api.Test;

class IntrospectionTest {
    /**
     * Runs {@code setup} as the init fiber of a two-scheduler run on another thread; the run
     * ends when {@code release} is signalled. Returns the fibers setup made, by name.
     */
    private static CompletableFuture<Void> runUntil(Condition release, Supplier<Map<String, Fiber<?>>> setup,
                                                    CompletableFuture<Map<String, Fiber<?>>> made) {
        return CompletableFuture.runAsync(() -> Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            made.complete(setup.get());
            release.await();
            return null;
        }));
    }

    @Test
    void everyWaitKindIsDescribed() throws Exception {
        Condition release = new Condition();
        Channel<String> empty = new Channel<>();
        Channel<String> full = new Channel<>();
        Condition never = new Condition();
        long timerExpiry = System.nanoTime() + TimeUnit.HOURS.toNanos(1);
        CompletableFuture<Map<String, Fiber<?>>> made = new CompletableFuture<>();
        CompletableFuture<Void> run = runUntil(release, () -> {
            Map<String, Fiber<?>> m = new HashMap<>();
            m.put("getter", Fibers.spawn(() -> {
                empty.get();
            }).setName("getter"));
            m.put("putter", Fibers.spawn(() -> {
                full.put("x");
            }).setName("putter"));
            m.put("chooser", Fibers.spawn(() -> {
                Operation.choice(empty.getOperation(), Timers.sleepOperation(Duration.ofHours(1)).wrap(v -> "t"))
                        .perform();
            }).setName("chooser"));
            m.put("timer", Fibers.spawn(() -> {
                Timers.timerOperation(timerExpiry).perform();
            }).setName("timer"));
            m.put("sleeper", Fibers.spawn(() -> {
                Fibers.sleep(Duration.ofHours(1));
            }).setName("sleeper"));
            m.put("waiter", Fibers.spawn(() -> {
                never.await();
            }).setName("waiter"));
            Fiber<?> getter = m.get("getter");
            m.put("joiner", Fibers.spawn(() -> {
                getter.join();
            }).setName("joiner"));
            m.put("scoper", Fibers.spawn(() -> {
                try (FiberScope scope = FiberScope.awaitAll()) {
                    scope.spawn(() -> {
                        never.await();
                        return null;
                    });
                    scope.join();
                }
            }).setName("scoper"));
            return m;
        }, made);
        Map<String, Fiber<?>> fibers = made.get(10, TimeUnit.SECONDS);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> fibers.values().stream()
                    .allMatch(f -> Introspection.waitOf(f) != null));
            String channel = WaitDescription.identity("channel", empty);
            assertEquals(WaitDescription.of("channel-get", channel), Introspection.waitOf(fibers.get("getter")));
            assertEquals(WaitDescription.of("channel-put", WaitDescription.identity("channel", full)),
                    Introspection.waitOf(fibers.get("putter")));
            WaitDescription choice = Introspection.waitOf(fibers.get("chooser"));
            assertEquals("choice", choice.kind());
            Set<String> branchKinds = new HashSet<>();
            for (WaitDescription b : choice.branches()) {
                branchKinds.add(b.kind());
                if (b.kind().equals("timer")) {
                    long left = b.deadlineNanos() - System.nanoTime();
                    assertTrue(left > TimeUnit.MINUTES.toNanos(59) && left <= TimeUnit.HOURS.toNanos(1), "deadline " + left);
                } else {
                    assertEquals(channel, b.target());
                }
            }
            assertEquals(Set.of("channel-get", "timer"), branchKinds);
            assertEquals(WaitDescription.timer("timer", timerExpiry), Introspection.waitOf(fibers.get("timer")));
            WaitDescription sleep = Introspection.waitOf(fibers.get("sleeper"));
            assertEquals("sleep", sleep.kind());
            assertTrue(sleep.deadlineNanos() - System.nanoTime() > TimeUnit.MINUTES.toNanos(59));
            assertEquals(WaitDescription.of("condition", WaitDescription.identity("condition", never)),
                    Introspection.waitOf(fibers.get("waiter")));
            assertEquals(WaitDescription.of("join", "getter"), Introspection.waitOf(fibers.get("joiner")));
            assertEquals("scope", Introspection.waitOf(fibers.get("scoper")).kind());

            // By name, through the registries, with a wait time and a stack.
            Fiber<?> getter = Introspection.fiberByName("getter").orElseThrow();
            assertEquals(fibers.get("getter"), getter);
            assertEquals("getter", getter.thread().getName(), "the virtual thread carries the name");
            FiberInfo info = Introspection.info(getter);
            assertEquals("SUSPENDED", info.state());
            assertTrue(info.waitNanos() >= 0, "a blocked perform records since when: " + info);
            assertTrue(Introspection.schedulerByName(info.scheduler()).isPresent());
            assertTrue(Arrays.stream(Introspection.stackOf(getter))
                    .anyMatch(e -> e.getClassName().equals(Channel.class.getName())), "stack shows Channel.get");
            String text = Introspection.dumpText();
            assertTrue(text.contains("channel-get " + channel), text);
            assertTrue(text.contains("join getter"), text);
            int counted = Introspection.foldAllFibers((f, n) -> fibers.containsValue(f) ? n + 1 : n, 0);
            assertEquals(fibers.size(), counted);
        } finally {
            release.signal();
            run.get(30, TimeUnit.SECONDS);
        }
        assertTrue(Introspection.fiberByName("getter").isEmpty(), "ended fibers are not listed");
    }

    @Test
    void jsonDumpOfTenThousandFibersParsesAndNamesEveryOne() throws Exception {
        int n = 10_000;
        Condition release = new Condition();
        CompletableFuture<Map<String, Fiber<?>>> made = new CompletableFuture<>();
        CompletableFuture<Void> run = runUntil(release, () -> {
            Map<String, Fiber<?>> m = new HashMap<>();
            for (int i = 0; i < n; i++) {
                Fiber<?> f = Fibers.spawn(release::await, Scheduler.current(), true);
                m.put(f.name(), f);
            }
            return m;
        }, made);
        Map<String, Fiber<?>> fibers = made.get(30, TimeUnit.SECONDS);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> fibers.values().stream()
                    .allMatch(f -> Introspection.waitOf(f) != null));
            long t0 = System.nanoTime();
            String json = Introspection.dumpJson();
            long took = System.nanoTime() - t0;
            System.out.printf("JSON dump of %d fibers: %d chars in %d ms%n", n, json.length(), took / 1_000_000);
            JsonNode root = new ObjectMapper().readTree(json);
            Set<String> named = new HashSet<>();
            List<String> kinds = new ArrayList<>();
            for (JsonNode f : root.get("fibers")) {
                named.add(f.get("name").asText());
                if (fibers.containsKey(f.get("name").asText())) {
                    kinds.add(f.get("wait").get("kind").asText());
                }
            }
            assertTrue(named.containsAll(fibers.keySet()), "every live fiber is named in the dump");
            assertEquals(n, kinds.size());
            assertTrue(kinds.stream().allMatch("condition"::equals));
            assertTrue(root.get("schedulers").size() >= 2);
            JsonNode sched = root.get("schedulers").get(0);
            assertNotNull(sched.get("runcount"));
        } finally {
            release.signal();
            run.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void jsonEscapesWhatNamesMayHold() throws Exception {
        FiberInfo odd = new FiberInfo("a\"b\\c\nd\u0001\uD800", 1, "SUSPENDED", "s", -1,
                WaitDescription.of("channel-get", "x"), -1);
        String json = Dump.json(List.of(), List.of(odd), 0);
        JsonNode root = new ObjectMapper().readTree(json);
        assertEquals("a\"b\\c\nd\u0001\uD800", root.get("fibers").get(0).get("name").asText());
    }
}
