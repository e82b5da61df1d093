package org.fibers.examples.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input on raw sockets: each gets memcached's reply (or memcached's close), loses nothing
 * stored, and leaves the server serving a fresh client whose {@code stats} add up.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MemcachedErrorsTest {
    private OurServer server;

    @BeforeEach
    void start() throws Exception {
        server = OurServer.start();
        try (Raw r = new Raw(server.port())) {
            assertEquals("STORED\r\n", r.exchange("set keep 5 0 4\r\nsafe\r\n", "STORED\r\n"));
        }
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** A new client is served, the item stored before is intact, and the counters agree. */
    private void assertStillServing() throws Exception {
        try (Raw r = new Raw(server.port())) {
            assertEquals("VALUE keep 5 4\r\nsafe\r\nEND\r\n", r.exchange("get keep\r\n", "END\r\n"));
        }
        // a closed client's fiber ends soon after the close, not at once
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> num(Raw.stats(server.port()), "curr_connections") == 1);
        Map<String, String> s = Raw.stats(server.port());
        assertEquals(num(s, "cmd_get"), num(s, "get_hits") + num(s, "get_misses"), s.toString());
        assertTrue(num(s, "total_connections") >= 3, s.toString());
        assertEquals(1, num(s, "curr_items"), s.toString());
    }

    private static long num(Map<String, String> s, String name) {
        return Long.parseLong(s.get(name));
    }

    @Test
    void aKeyOver250BytesIsABadCommandLine() throws Exception {
        try (Raw r = new Raw(server.port())) {
            r.send("set " + "k".repeat(300) + " 0 0 1\r\nx\r\nget " + "k".repeat(300) + "\r\n");
            assertEquals("CLIENT_ERROR bad command line format\r\nERROR\r\nCLIENT_ERROR bad command line format\r\n", r.drain(300));
        }
        assertStillServing();
    }

    @Test
    void negativeAndHugeLengthsAreBadCommandLines() throws Exception {
        try (Raw r = new Raw(server.port())) {
            // memcached reads 99999999999 as a 32-bit int that wraps; we refuse any length past 2^31 - 3
            r.send("set a 0 0 -1\r\nset a 0 0 2147483646\r\nset a 0 0 99999999999\r\nset a 0 0 18446744073709551617\r\n");
            assertEquals("CLIENT_ERROR bad command line format\r\n".repeat(4), r.drain(300));
            r.send("set a 4294967296 0 1\r\nx\r\n"); // flags are 32 bits
            assertEquals("CLIENT_ERROR bad command line format\r\nERROR\r\n", r.drain(300));
        }
        assertStillServing();
    }

    @Test
    void aDataBlockNotEndedByCrLfIsABadDataChunkAndKeepsTheOldValue() throws Exception {
        try (Raw r = new Raw(server.port())) {
            r.send("set keep 0 0 4\r\nbadXX\r\nget keep\r\n");
            assertEquals("CLIENT_ERROR bad data chunk\r\nERROR\r\nVALUE keep 5 4\r\nsafe\r\nEND\r\n", r.drain(300));
        }
        assertStillServing();
    }

    @Test
    void a2048ByteLineWithoutNewlineClosesOnlyThatConnection() throws Exception {
        try (Raw other = new Raw(server.port()); Raw r = new Raw(server.port())) {
            r.send("x".repeat(2049));
            assertEquals("<EOF>", r.drain(2000));
            assertEquals("VALUE keep 5 4\r\nsafe\r\nEND\r\n", other.exchange("get keep\r\n", "END\r\n"));
        }
        try (Raw r = new Raw(server.port())) {
            // a long multi-get line is allowed to grow, as in memcached
            StringBuilder keys = new StringBuilder("get");
            for (int i = 0; i < 400; i++) {
                keys.append(" missing-key-").append(i);
            }
            r.send(keys.substring(0, 3000));
            Thread.sleep(100);
            assertEquals("VALUE keep 5 4\r\nsafe\r\nEND\r\n", r.exchange(keys.substring(3000) + " keep\r\n", "END\r\n"));
        }
        assertStillServing();
    }

    @Test
    void binaryGarbageGetsErrorLines() throws Exception {
        try (Raw r = new Raw(server.port())) {
            r.send(new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe, '\r', '\n', (byte) 0x80, 1, 0, 0, '\n'});
            assertEquals("ERROR\r\nERROR\r\n", r.drain(300));
        }
        assertStillServing();
    }

    @Test
    void aValueOverTheItemLimitIsRefusedAtOnceAndSkippedUnbuffered() throws Exception {
        try (Raw r = new Raw(server.port())) {
            // the reply comes before the value is sent: the server cannot be holding it
            r.send("set big 0 0 20971520\r\n");
            assertEquals("SERVER_ERROR object too large for cache\r\n", r.line());
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) '\n'); // newlines in the value must not be read as commands
            for (int i = 0; i < 20; i++) {
                r.out.write(chunk);
            }
            r.send("\r\nget big\r\nset two 0 0 2097152\r\n" + "z".repeat(2097152) + "\r\nget keep\r\n");
            assertEquals("END\r\nSERVER_ERROR object too large for cache\r\nVALUE keep 5 4\r\nsafe\r\nEND\r\n", r.drain(1000));
        }
        Map<String, String> s = Raw.stats(server.port());
        assertEquals(2, num(s, "store_too_large"), s.toString());
        assertStillServing();
    }

    @Test
    void tenMegabytesOfRandomBytesLeaveTheServerServing() throws Exception {
        byte[] noise = new byte[10 << 20];
        new Random(24).nextBytes(noise);
        try (Raw r = new Raw(server.port())) {
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    r.in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException closed) {
                    // the server may close: what memcached does on a long line without newline
                }
            });
            try {
                r.send(noise);
            } catch (IOException closedByServer) {
                // acceptable: the connection was closed, as memcached closes it
            }
            r.socket.shutdownOutput();
            reader.join(30_000);
        } catch (IOException reset) {
            // the server closed first
        }
        assertStillServing();
    }

    @Test
    void aThousandConnectionsDroppedMidCommandAreAllCleanedUp() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        String[] halves = {"set k 0 0 10\r\nabc", "get ke", "incr", "set k 0 0 5", "gets a b c"};
        try {
            for (int i = 0; i < 1000; i++) {
                Socket s = new Socket("127.0.0.1", server.port());
                s.getOutputStream().write(Raw.ascii(halves[i % halves.length]));
                sockets.add(s);
            }
        } finally {
            for (Socket s : sockets) {
                s.setSoLinger(true, 0); // some reset, some close: both kinds of drop
                s.close();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (num(Raw.stats(server.port()), "curr_connections") != 1 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertStillServing();
    }

    @Test
    void aConnectionOverTheLimitIsToldAndClosed() throws Exception {
        server.close();
        server = OurServer.start(ServerOptions.parse("--port", "0", "-c", "2", "--parallelism", "2"));
        try (Raw a = new Raw(server.port()); Raw b = new Raw(server.port())) {
            assertEquals("END\r\n", a.exchange("get x\r\n", "END\r\n"));
            assertEquals("END\r\n", b.exchange("get x\r\n", "END\r\n"));
            try (Raw c = new Raw(server.port())) {
                assertEquals("SERVER_ERROR too many open connections\r\n<EOF>", c.drain(2000));
            }
            assertEquals("END\r\n", a.exchange("get x\r\n", "END\r\n"));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Map<String, String> s;
        do {
            Thread.sleep(50);
            try (Raw probe = new Raw(server.port())) {
                String all = probe.exchange("stats\r\n", "END\r\n");
                s = new java.util.HashMap<>();
                for (String l : all.split("\r\n")) {
                    if (l.startsWith("STAT ")) {
                        String[] f = l.split(" ", 3);
                        s.put(f[1], f[2]);
                    }
                }
            }
        } while (s.isEmpty() && System.nanoTime() < deadline);
        assertEquals(1, num(s, "rejected_connections"), s.toString());
    }
}
