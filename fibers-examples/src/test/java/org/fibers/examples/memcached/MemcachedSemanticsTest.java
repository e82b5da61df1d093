package org.fibers.examples.memcached;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Limits, expiry, counters and cas uniques, on raw sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MemcachedSemanticsTest {
    @Test
    void theMemoryLimitEvictsLeastRecentlyUsedItemsAndCountsThem() throws Exception {
        try (OurServer server = OurServer.start(ServerOptions.parse("--port", "0", "-m", "1", "--parallelism", "2"));
                Raw r = new Raw(server.port())) {
            String value = "v".repeat(1000);
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 3000; i++) {
                batch.append("set key-").append(i).append(" 0 0 1000 noreply\r\n").append(value).append("\r\n");
                if (i % 100 == 99) {
                    r.send(batch.toString());
                    batch.setLength(0);
                    if (i < 500) {
                        assertEquals("VALUE key-0 0 1000\r\n" + value + "\r\nEND\r\n", r.exchange("get key-0\r\n", "END\r\n"));
                    }
                }
            }
            assertEquals("END\r\n", r.exchange("get key-1\r\n", "END\r\n"), "an old item was evicted");
            assertEquals("VALUE key-2999 0 1000\r\n" + value + "\r\nEND\r\n", r.exchange("get key-2999\r\n", "END\r\n"));
            Map<String, String> s = Raw.stats(server.port());
            long evictions = Long.parseLong(s.get("evictions"));
            long items = Long.parseLong(s.get("curr_items"));
            assertTrue(evictions > 1500, s.toString());
            assertEquals(3000, items + evictions, s.toString());
            assertTrue(Long.parseLong(s.get("bytes")) <= 1 << 20, s.toString());
            assertEquals(String.valueOf(1 << 20), s.get("limit_maxbytes"));
        }
    }

    @Test
    void expiryIsRelativeUpTo30DaysThenAbsoluteAndNegativeMeansExpired() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        try (OurServer server = OurServer.start(); Raw r = new Raw(server.port())) {
            r.send("set rel 0 1 1\r\na\r\nset month 0 2592000 1\r\nb\r\nset abs 0 " + (now + 3600) + " 1\r\nc\r\n"
                    + "set past 0 " + (now - 10) + " 1\r\nd\r\nset neg 0 -1 1\r\ne\r\n");
            assertEquals("STORED\r\n".repeat(5), r.drain(300));
            assertEquals("VALUE rel 0 1\r\na\r\nVALUE month 0 1\r\nb\r\nVALUE abs 0 1\r\nc\r\nEND\r\n",
                    r.exchange("get rel month abs past neg\r\n", "END\r\n"));
            await().atMost(Duration.ofSeconds(5)).until(() -> r.exchange("get rel\r\n", "END\r\n").equals("END\r\n"));
            assertEquals("TOUCHED\r\n", r.exchange("touch month -1\r\n", "TOUCHED\r\n"));
            assertEquals("END\r\n", r.exchange("get month\r\n", "END\r\n"));
            r.send("flush_all 1\r\n");
            assertEquals("OK\r\n", r.line());
            await().atMost(Duration.ofSeconds(5)).until(() -> r.exchange("get abs\r\n", "END\r\n").equals("END\r\n"));
        }
    }

    @Test
    void countersAreUnsigned64BitAndCasUniquesGrow() throws Exception {
        try (OurServer server = OurServer.start(); Raw r = new Raw(server.port())) {
            r.send("set n 0 0 20\r\n18446744073709551614\r\nincr n 1\r\nincr n 1\r\nincr n 7\r\ndecr n 100\r\n");
            assertEquals("STORED\r\n18446744073709551615\r\n0\r\n7\r\n0\r\n", r.drain(300));
            long last = 0;
            for (int i = 0; i < 5; i++) {
                String got = r.exchange("set c 0 0 1\r\nx\r\ngets c\r\n", "END\r\n");
                long cas = Long.parseLong(got.split("\r\n")[1].split(" ")[4]);
                assertTrue(cas > last, got);
                last = cas;
            }
            assertEquals("STORED\r\n", r.exchange("cas c 0 0 1 " + last + "\r\ny\r\n", "STORED\r\n"));
            assertEquals("EXISTS\r\n", r.exchange("cas c 0 0 1 " + last + "\r\nz\r\n", "EXISTS\r\n"));
        }
    }

    @Test
    void statsSettingsReportTheLimits() throws Exception {
        try (OurServer server = OurServer.start(ServerOptions.parse("--port", "0", "-m", "8", "-I", "512k", "-c", "50",
                "--parallelism", "2")); Raw r = new Raw(server.port())) {
            String s = r.exchange("stats settings\r\n", "END\r\n");
            assertTrue(s.contains("STAT maxbytes 8388608\r\n"), s);
            assertTrue(s.contains("STAT item_size_max 524288\r\n"), s);
            assertTrue(s.contains("STAT maxconns 50\r\n"), s);
            assertTrue(s.contains("STAT tcpport " + server.port() + "\r\n"), s);
            r.send("set x 0 0 600000\r\n");
            assertEquals("SERVER_ERROR object too large for cache\r\n", r.line());
        }
    }
}
