package org.fibers.examples.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Guile's memcached client against our server and the C one, and its failure on a dead server. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GuileClientTest {
    @Test
    void everyValueMatchesOnOursAndOnTheCServerTogether() throws Exception {
        try (OurServer ours = OurServer.start(); DebianMemcached theirs = DebianMemcached.start()) {
            assertTrue(GuileClient.run(20, 50, List.of(new InetSocketAddress("127.0.0.1", ours.port()),
                    new InetSocketAddress("127.0.0.1", theirs.port()))));
            var stats = Raw.stats(ours.port());
            assertEquals(500, Long.parseLong(stats.get("cmd_set")), stats.toString());
            assertEquals(500, Long.parseLong(stats.get("get_hits")), stats.toString());
        }
    }

    @Test
    void aRefusedConnectionIsAFailure() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        assertFalse(GuileClient.run(2, 1, List.of(new InetSocketAddress("127.0.0.1", port))));
    }
}
