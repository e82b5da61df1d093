package org.fibers.introspect;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.channels.Channel;
import org.fibers.conditions.Condition;
import org.fibers.scheduler.Scheduler;
import org.junit.jupiter.api.Test;

class FibersJmxTest {
    @Test
    void mbeansShowSchedulersFibersAndDumps() throws Exception {
        Condition release = new Condition();
        Channel<String> ch = new Channel<>();
        CompletableFuture<Fiber<?>> made = new CompletableFuture<>();
        CompletableFuture<Scheduler> sched = new CompletableFuture<>();
        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> Fibers.run(
                RunOptions.builder().parallelism(2).build(), () -> {
                    sched.complete(Scheduler.current());
                    made.complete(Fibers.spawn(() -> {
                        ch.get();
                    }).setName("jmx-getter"));
                    release.await();
                    return null;
                }));
        Fiber<?> getter = made.get(10, TimeUnit.SECONDS);
        Scheduler s = sched.get();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> Introspection.waitOf(getter) != null);
            FibersJmx.register();
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName group = new ObjectName(FibersJmx.GROUP_NAME);
            String[] names = (String[]) server.getAttribute(group, "SchedulerNames");
            assertTrue(Arrays.asList(names).contains(s.name()));
            String[] table = (String[]) server.getAttribute(group, "FiberTable");
            assertTrue(Arrays.stream(table).anyMatch(l -> l.startsWith("jmx-getter") && l.contains("channel-get")),
                    String.join("\n", table));
            String json = (String) server.invoke(group, "dumpJson", null, null);
            assertTrue(json.contains("\"name\":\"jmx-getter\""));
            ObjectName mine = FibersJmx.nameOf(s);
            assertTrue((Long) server.getAttribute(mine, "Runcount") > 0);
            assertEquals(Boolean.TRUE, server.getAttribute(mine, "Running"));
            assertTrue((Long) server.getAttribute(mine, "LiveFibers") >= 1);
        } finally {
            release.signal();
            run.get(30, TimeUnit.SECONDS);
        }
        ObjectName mine = FibersJmx.nameOf(s);
        ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName(FibersJmx.GROUP_NAME), "refreshSchedulers", null, null);
        assertFalse(ManagementFactory.getPlatformMBeanServer().isRegistered(mine), "a closed scheduler's MBean goes");
    }
}
