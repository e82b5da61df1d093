package org.fibers.examples.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.KetamaConnectionFactory;
import net.spy.memcached.KetamaNodeKeyFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Our ketama ring against spymemcached's, and how little of it moves when a server goes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KetamaTest {
    private static List<InetSocketAddress> addresses(OurServer... servers) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (OurServer s : servers) {
            out.add(new InetSocketAddress("127.0.0.1", s.port()));
        }
        return out;
    }

    @Test
    void everyKeyLandsOnTheServerSpymemcachedPicksAndItsValuesAreReadBack() throws Exception {
        try (OurServer a = OurServer.start(); OurServer b = OurServer.start(); OurServer c = OurServer.start();
                OurServer d = OurServer.start()) {
            List<InetSocketAddress> servers = addresses(a, b, c, d);
            for (KetamaNodeKeyFormatter.Format format : KetamaNodeKeyFormatter.Format.values()) {
                var spy = new net.spy.memcached.MemcachedClient(new KetamaConnectionFactory(16384, 16384, 2500,
                        DefaultHashAlgorithm.KETAMA_HASH, format, Map.of()), servers);
                Ketama.NodeNaming naming = Ketama.NodeNaming.valueOf(format.name());
                MemcachedClient ours = new MemcachedClient(servers, new MemcachedClient.Options(
                        java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(1), 8, naming));
                try {
                    int[] perServer = new int[servers.size()];
                    for (int i = 0; i < 5000; i++) {
                        String key = "key:" + i + ":" + format;
                        InetSocketAddress theirs = (InetSocketAddress) spy.getNodeLocator().getPrimary(key).getSocketAddress();
                        assertEquals(theirs, ours.serverFor(key), key);
                        perServer[servers.indexOf(theirs)]++;
                    }
                    for (int n : perServer) {
                        assertTrue(n > 500, "each of 4 servers holds a fair share: " + java.util.Arrays.toString(perServer));
                    }
                    // what spymemcached stores, ours finds by asking only the server the ring names
                    for (int i = 0; i < 300; i++) {
                        assertTrue(spy.set("shared-" + i, 0, "value-" + i).get());
                    }
                    for (int i = 0; i < 300; i++) {
                        assertEquals("value-" + i, new String(ours.get("shared-" + i), StandardCharsets.UTF_8));
                    }
                    ours.flushAll();
                } finally {
                    ours.close();
                    spy.shutdown(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    @Test
    void removingOneOfFourServersMovesOnlyItsOwnKeysAboutAQuarter() {
        List<InetSocketAddress> four = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            four.add(new InetSocketAddress("10.0.0." + (p + 1), 11211));
        }
        Ketama before = new Ketama(four);
        Ketama after = new Ketama(four.subList(0, 3));
        int keys = 20_000;
        int moved = 0;
        for (int i = 0; i < keys; i++) {
            String k = "user:" + i;
            InetSocketAddress was = before.serverFor(k);
            InetSocketAddress now = after.serverFor(k);
            if (!was.equals(now)) {
                moved++;
                assertEquals(four.get(3), was, "only the removed server's keys move: " + k);
            }
        }
        double share = (double) moved / keys;
        assertTrue(share > 0.15 && share < 0.35, "about a quarter of the keys move, not " + share);
    }

    @Test
    void aServerListedTwiceOrNoneIsRefused() {
        InetSocketAddress s = new InetSocketAddress("127.0.0.1", 11211);
        assertEquals("a server is listed twice: [" + s + ", " + s + "]",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Ketama(List.of(s, s))).getMessage());
        assertEquals("no memcached servers given",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Ketama(List.of())).getMessage());
    }

    @Test
    void libmemcachedNamingLeavesOutTheDefaultPort() {
        assertEquals("cache1", Ketama.name(InetSocketAddress.createUnresolved("cache1", 11211), Ketama.NodeNaming.LIBMEMCACHED));
        assertEquals("cache1:11300", Ketama.name(InetSocketAddress.createUnresolved("cache1", 11300), Ketama.NodeNaming.LIBMEMCACHED));
        assertEquals("127.0.0.1:11300", Ketama.name(new InetSocketAddress("127.0.0.1", 11300), Ketama.NodeNaming.SPYMEMCACHED));
    }
}
