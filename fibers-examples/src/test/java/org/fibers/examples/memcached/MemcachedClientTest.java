package org.fibers.examples.memcached;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.scheduler.Scheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link MemcachedClient} against the C memcached and ours (one and several), from fibers and threads. */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MemcachedClientTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static InetSocketAddress local(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** Every operation once, each result written down (cas uniques as "same"/"changed" only). */
    private static List<String> transcript(MemcachedClient c) {
        List<String> t = new ArrayList<>();
        c.flushAll();
        t.add("set " + c.set("a", 0, b("alpha")));
        t.add("get " + s(c.get("a")));
        t.add("get missing " + s(c.get("missing")));
        t.add("add existing " + c.add("a", 0, 0, b("x")));
        t.add("add new " + c.add("b", 7, 0, b("beta")));
        MemcachedClient.Value v = c.getValue("b");
        t.add("flags " + v.flags() + " " + s(v.value()));
        t.add("replace " + c.replace("b", 0xFFFFFFFF, 0, b("BETA")) + " " + c.replace("nothing", 0, 0, b("x")));
        t.add("flags max " + Integer.toUnsignedString(c.gets("b").flags()));
        t.add("append " + c.append("a", b("+z")) + " prepend " + c.prepend("a", b("y+")) + " on missing " + c.append("zz", b("q")));
        t.add("get " + s(c.get("a")));
        MemcachedClient.Value g1 = c.gets("b");
        t.add("cas " + c.cas("b", g1.cas(), 0, 0, b("swapped")));
        t.add("cas again " + c.cas("b", g1.cas(), 0, 0, b("again")));
        t.add("cas missing " + c.cas("nope", 1, 0, 0, b("x")));
        t.add("after cas " + s(c.get("b")) + " unique " + (c.gets("b").cas() != g1.cas() ? "changed" : "same"));
        c.set("n", 0, b("18446744073709551614"));
        t.add("incr wraps " + Long.toUnsignedString(c.incr("n", 3).getAsLong()));
        t.add("decr stops at 0 " + c.decr("n", 10).getAsLong());
        t.add("incr missing " + c.incr("no-counter", 1));
        MemcachedException notNumber = assertThrows(MemcachedException.class, () -> c.incr("a", 1));
        t.add("incr text " + notNumber.kind() + " " + notNumber.serverReply());
        t.add("touch " + c.touch("a", 100) + " " + c.touch("missing", 100));
        t.add("expired " + c.set("gone", -1, b("x")) + " " + s(c.get("gone")));
        t.add("delete " + c.delete("a") + " " + c.delete("a") + " " + s(c.get("a")));
        Map<String, byte[]> multi = c.getMulti(List.of("b", "n", "missing", "x1"));
        t.add("multi " + new java.util.TreeMap<>(multi.entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> s(e.getValue())))));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 450; i++) {
            c.set("many-" + i, 0, b("v" + i));
            many.add("many-" + i);
        }
        many.add("many-missing");
        Map<String, byte[]> all = c.getMulti(many);
        t.add("multi 450 " + all.size() + " " + s(all.get("many-449")));
        byte[] big = new byte[900_000];
        new java.util.Random(3).nextBytes(big);
        t.add("big " + c.set("big", 0, big) + " " + java.util.Arrays.equals(big, c.get("big")));
        MemcachedException tooBig = assertThrows(MemcachedException.class, () -> c.set("huge", 0, new byte[2 << 20]));
        t.add("too big " + tooBig.kind() + " " + tooBig.serverReply());
        t.add("after an error the client goes on " + s(c.get("b")));
        return t;
    }

    private static List<String> onAFiber(MemcachedClient c) {
        return Fibers.run(RunOptions.builder().parallelism(2).build(), () -> transcript(c));
    }

    @Test
    void theSameResultsFromTheCServerOursAndFourOfOursFromFibersAndThreads() throws Exception {
        List<String> reference;
        try (DebianMemcached theirs = DebianMemcached.start(); MemcachedClient c = new MemcachedClient(List.of(local(theirs.port())))) {
            reference = transcript(c);
            assertEquals(reference, onAFiber(c));
        }
        assertTrue(reference.contains("incr wraps 1"), reference.toString());
        assertTrue(reference.contains("too big SERVER_REPLY SERVER_ERROR object too large for cache"), reference.toString());
        try (OurServer one = OurServer.start(); MemcachedClient c = new MemcachedClient(List.of(local(one.port())))) {
            assertEquals(reference, transcript(c));
            assertEquals(reference, onAFiber(c));
        }
        try (OurServer a = OurServer.start(); OurServer b = OurServer.start(); OurServer c3 = OurServer.start();
                DebianMemcached d = DebianMemcached.start();
                MemcachedClient c = new MemcachedClient(List.of(local(a.port()), local(b.port()), local(c3.port()), local(d.port())))) {
            assertEquals(reference, transcript(c));
            assertEquals(reference, onAFiber(c));
            // the keys really are spread: each server holds some of the 450
            for (int port : new int[] {a.port(), b.port(), c3.port(), d.port()}) {
                assertTrue(Long.parseLong(Raw.stats(port).get("curr_items")) > 50, "server " + port);
            }
        }
    }

    @Test
    void manyFibersShareOneClientAndEveryValueIsTheirOwn() throws Exception {
        try (OurServer a = OurServer.start(); OurServer b = OurServer.start(); DebianMemcached d = DebianMemcached.start();
                MemcachedClient c = new MemcachedClient(List.of(local(a.port()), local(b.port()), local(d.port())))) {
            AtomicInteger wrong = new AtomicInteger();
            Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
                List<Fiber<?>> fibers = new ArrayList<>();
                for (int f = 0; f < 200; f++) {
                    int id = f;
                    fibers.add(Fibers.spawn(() -> {
                        for (int i = 0; i < 50; i++) {
                            String key = "fiber-" + id + "-" + (i % 5);
                            c.set(key, 0, b(id + "/" + i));
                            if (!(id + "/" + i).equals(s(c.get(key)))) {
                                wrong.incrementAndGet();
                            }
                        }
                    }, Scheduler.current(), true));
                }
                for (Fiber<?> f : fibers) {
                    f.join();
                }
                return null;
            });
            assertEquals(0, wrong.get());
            long sets = Long.parseLong(Raw.stats(a.port()).get("cmd_set")) + Long.parseLong(Raw.stats(b.port()).get("cmd_set"))
                    + Long.parseLong(Raw.stats(d.port()).get("cmd_set"));
            assertEquals(200 * 50, sets);
        }
    }

    @Test
    void aDownServerFailsItsKeysFastTheOthersServeAndItIsTriedAgainLater() throws Exception {
        int deadPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            deadPort = probe.getLocalPort();
        }
        try (OurServer a = OurServer.start(); OurServer b = OurServer.start()) {
            List<InetSocketAddress> servers = List.of(local(a.port()), local(b.port()), local(deadPort));
            Duration retry = Duration.ofMillis(500);
            try (MemcachedClient c = new MemcachedClient(servers, new MemcachedClient.Options(Duration.ofSeconds(2), retry, 8,
                    Ketama.NodeNaming.SPYMEMCACHED))) {
                List<String> deadKeys = new ArrayList<>();
                List<String> liveKeys = new ArrayList<>();
                for (int i = 0; deadKeys.size() < 20 || liveKeys.size() < 20; i++) {
                    String k = "k" + i;
                    (c.serverFor(k).getPort() == deadPort ? deadKeys : liveKeys).add(k);
                }
                MemcachedException first = assertThrows(MemcachedException.class, () -> c.set(deadKeys.get(0), 0, b("x")));
                assertEquals(MemcachedException.Kind.SERVER_DOWN, first.kind());
                assertEquals(local(deadPort), first.server());
                assertTrue(first.getMessage().contains("cannot connect"), first.getMessage());
                long start = System.nanoTime();
                for (String k : deadKeys) {
                    MemcachedException e = assertThrows(MemcachedException.class, () -> c.get(k));
                    assertEquals(MemcachedException.Kind.SERVER_DOWN, e.kind());
                    assertTrue(e.getMessage().contains("marked down"), e.getMessage());
                }
                assertTrue(System.nanoTime() - start < retry.toNanos(), "failing fast, without a connect each");
                for (String k : liveKeys) {
                    assertTrue(c.set(k, 0, b("live " + k)));
                    assertEquals("live " + k, s(c.get(k)));
                }
                List<String> mixed = new ArrayList<>(liveKeys);
                mixed.addAll(deadKeys);
                MemcachedException multi = assertThrows(MemcachedException.class, () -> c.getMulti(mixed));
                assertEquals(MemcachedException.Kind.SERVER_DOWN, multi.kind());
                assertEquals(liveKeys.size(), multi.partial().size(), "the live servers' hits come with the failure");

                try (OurServer back = OurServer.start(ServerOptions.parse("--port", String.valueOf(deadPort), "--parallelism", "1"))) {
                    Thread.sleep(retry.toMillis() + 100);
                    assertTrue(c.set(deadKeys.get(0), 0, b("back")));
                    assertEquals("back", s(c.get(deadKeys.get(0))));
                    assertEquals(liveKeys.size() + 1, c.getMulti(mixed).size());
                }
                // the restarted server stopped again: its pooled connection breaks, then the connect is refused
                MemcachedException broken = assertThrows(MemcachedException.class, () -> c.get(deadKeys.get(0)));
                assertTrue(broken.kind() == MemcachedException.Kind.IO || broken.kind() == MemcachedException.Kind.SERVER_DOWN, broken.toString());
                MemcachedException again = assertThrows(MemcachedException.class, () -> c.get(deadKeys.get(0)));
                assertEquals(MemcachedException.Kind.SERVER_DOWN, again.kind());
                assertEquals("live " + liveKeys.get(0), s(c.get(liveKeys.get(0))));
            }
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOutAndTheOthersKeepServing() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress()); OurServer a = OurServer.start()) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    for (int i = 0; i < 10; i++) {
                        accepted.add(silent.accept()); // and never read or answer
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.start();
            Duration timeout = Duration.ofMillis(300);
            try (MemcachedClient c = new MemcachedClient(List.of(local(silent.getLocalPort()), local(a.port())),
                    new MemcachedClient.Options(timeout, Duration.ofSeconds(1), 4, Ketama.NodeNaming.SPYMEMCACHED))) {
                String silentKey = null;
                String liveKey = null;
                for (int i = 0; silentKey == null || liveKey == null; i++) {
                    if (c.serverFor("t" + i).getPort() == a.port()) {
                        liveKey = "t" + i;
                    } else {
                        silentKey = "t" + i;
                    }
                }
                String sk = silentKey;
                long start = System.nanoTime();
                MemcachedException e = assertThrows(MemcachedException.class, () -> c.get(sk));
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(MemcachedException.Kind.TIMEOUT, e.kind());
                assertTrue(tookMillis >= 250 && tookMillis < 5000, "took " + tookMillis + " ms");
                assertTrue(c.set(liveKey, 0, b("fine")));
                assertEquals("fine", s(c.get(liveKey)));
            } finally {
                silent.close();
                acceptor.join(5000);
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    @Test
    void badKeysAreRefusedBeforeAnythingIsSent() throws Exception {
        try (OurServer a = OurServer.start(); MemcachedClient c = new MemcachedClient(List.of(local(a.port())))) {
            assertThrows(IllegalArgumentException.class, () -> c.get("with space"));
            assertThrows(IllegalArgumentException.class, () -> c.set("ctrl\n", 0, b("x")));
            assertThrows(IllegalArgumentException.class, () -> c.get("k".repeat(251)));
            assertThrows(IllegalArgumentException.class, () -> c.get(""));
            assertNull(c.get("k".repeat(250)));
            assertEquals("0", Raw.stats(a.port()).get("cmd_set"));
            assertEquals(OptionalLong.empty(), c.decr("nothing", 1));
            assertFalse(c.touch("nothing", 1));
            assertNotNull(c.serverFor("x"));
            assertArrayEquals(new byte[0], c.set("empty", 0, new byte[0]) ? c.get("empty") : null);
        }
    }
}
