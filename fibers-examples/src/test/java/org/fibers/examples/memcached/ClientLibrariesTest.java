package org.fibers.examples.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.XMemcachedClient;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every text command through two real Java client libraries, spymemcached and xmemcached (neither sends gat in ASCII; SameBytesAsMemcachedTest covers it). */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClientLibrariesTest {
    @Test
    void spymemcachedDrivesEveryCommand() throws Exception {
        try (OurServer server = OurServer.start()) {
            MemcachedClient c = new MemcachedClient(new InetSocketAddress("127.0.0.1", server.port()));
            try {
                assertTrue(c.set("a", 0, "alpha").get());
                assertEquals("alpha", c.get("a"));
                assertFalse(c.add("a", 0, "other").get());
                assertTrue(c.add("b", 0, "beta").get());
                assertTrue(c.replace("b", 0, "BETA").get());
                assertFalse(c.replace("nope", 0, "x").get());
                assertTrue(c.append(0, "a", "+tail").get());
                assertTrue(c.prepend(0, "a", "head+").get());
                assertEquals("head+alpha+tail", c.get("a"));
                Map<String, Object> bulk = c.getBulk(List.of("a", "b", "missing"));
                assertEquals(Map.of("a", "head+alpha+tail", "b", "BETA"), bulk);
                CASValue<Object> cv = c.gets("b");
                assertEquals(CASResponse.OK, c.cas("b", cv.getCas(), "swapped"));
                assertEquals(CASResponse.EXISTS, c.cas("b", cv.getCas(), "again"));
                assertEquals("swapped", c.get("b"));
                assertTrue(c.set("n", 0, "41").get());
                assertEquals(42, c.incr("n", 1));
                assertEquals(40, c.decr("n", 2));
                assertEquals(-1, c.incr("no-counter", 1));
                assertTrue(c.touch("n", 100).get());
                assertTrue(c.delete("a").get());
                assertNull(c.get("a"));
                byte[] big = new byte[500_000];
                new java.util.Random(1).nextBytes(big); // random: spymemcached compresses big values
                assertTrue(c.set("big", 0, big).get());
                assertTrue(java.util.Arrays.equals(big, (byte[]) c.get("big")));
                byte[] tooBig = new byte[2 << 20];
                new java.util.Random(2).nextBytes(tooBig);
                // spymemcached turns the refusal into an exception (and reconnects)
                java.util.concurrent.ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                        java.util.concurrent.ExecutionException.class, () -> c.set("too-big", 0, tooBig).get());
                assertTrue(refused.getMessage().contains("SERVER_ERROR object too large for cache"), refused.getMessage());
                assertTrue(c.flush().get());
                assertNull(c.get("b"));
                Map<String, String> stats = c.getStats().values().iterator().next();
                assertEquals(MemcachedServer.VERSION, stats.get("version"));
                assertTrue(c.getVersions().values().iterator().next().contains(MemcachedServer.VERSION));
            } finally {
                c.shutdown(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void xmemcachedDrivesEveryCommand() throws Exception {
        try (OurServer server = OurServer.start()) {
            XMemcachedClient c = new XMemcachedClient("127.0.0.1", server.port());
            try {
                assertTrue(c.set("a", 0, "alpha"));
                assertEquals("alpha", c.get("a"));
                assertFalse(c.add("a", 0, "other"));
                assertTrue(c.replace("a", 0, "ALPHA"));
                assertTrue(c.append("a", "+tail"));
                assertTrue(c.prepend("a", "head+"));
                assertEquals("head+ALPHA+tail", c.get("a"));
                GetsResponse<String> gets = c.gets("a");
                assertTrue(c.cas("a", 0, "swapped", gets.getCas()));
                assertFalse(c.cas("a", 0, "again", gets.getCas()));
                assertEquals(Map.of("a", "swapped"), c.get(List.of("a", "missing")));
                assertEquals(5, c.incr("counter", 5, 5)); // creates it with the initial value
                assertEquals(8, c.incr("counter", 3));
                assertEquals(0, c.decr("counter", 100));
                assertTrue(c.touch("a", 100));
                assertTrue(c.delete("a"));
                assertFalse(c.delete("a"));
                c.setWithNoReply("quiet", 0, "q");
                assertEquals("q", c.get("quiet"));
                c.flushAll();
                assertNull(c.get("quiet"));
                Map<InetSocketAddress, Map<String, String>> stats = c.getStats();
                assertEquals(MemcachedServer.VERSION, stats.values().iterator().next().get("version"));
            } finally {
                c.shutdown();
            }
        }
    }
}
