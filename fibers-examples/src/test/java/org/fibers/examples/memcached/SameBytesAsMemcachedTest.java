package org.fibers.examples.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The same requests, each on a fresh connection after a {@code flush_all}, to the C memcached
 * and to ours: the replies must be the same bytes. Covers the error cases of the text protocol;
 * where the C server's answer is an artefact of C integer types (a 32-bit length that wraps,
 * flags above 2^32) we answer differently on purpose, and those cases are in
 * {@link MemcachedErrorsTest} instead.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SameBytesAsMemcachedTest {
    private static DebianMemcached theirs;
    private static OurServer ours;

    @BeforeAll
    static void start() throws Exception {
        theirs = DebianMemcached.start();
        ours = OurServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (ours != null) {
            ours.close();
        }
        if (theirs != null) {
            theirs.close();
        }
    }

    static final String K251 = "k".repeat(251);

    static final List<String> TEXT_CASES = List.of(
            "set a 0 0 1\r\nx\r\nget a\r\n",
            "\r\n",
            "bogus\r\n",
            "GET a\r\n",
            "get\r\n",
            "gets\r\n",
            "set " + K251 + " 0 0 1\r\nx\r\n",
            "get " + K251 + "\r\n",
            "get a " + K251 + " a\r\n",
            "set a 0 0 -1\r\nx\r\n",
            "set a 0 0 2147483647\r\nx\r\n",
            "set a 0 0 abc\r\n",
            "set a 0 0\r\n",
            "set a 0 0 1x\r\nx\r\n",
            "set a 0 0 +1\r\nx\r\nget a\r\n",
            "set a 0 0 1\r\nq\r\nset a 0 0 1\r\nxyz\r\nget a\r\n",
            "set a 0 0 1\r\nq\r\nset a 0 0 1 noreply\r\nxyz\r\nget a\r\n",
            "set a -1 0 1\r\nx\r\n",
            "set a 0 abc 1\r\nx\r\n",
            "set a 0 -1 1\r\nx\r\nget a\r\n",
            "set a 0 0 1 bogus\r\nx\r\nget a\r\n",
            "set a\tb 0 0 1\r\nx\r\nget a\tb\r\n",
            "get a\nset b 0 0 1\nx\r\nget b\n",
            "set n 0 0 2\r\n10\r\nincr n 5\r\ndecr n 100\r\nincr n 18446744073709551615\r\nincr n 2\r\n"
                    + "incr n abc\r\nincr n -1\r\nincr nx 1\r\nset s 0 0 1\r\nz\r\nincr s 1\r\n",
            "set n 0 0 20\r\n18446744073709551615\r\nincr n 1\r\n",
            "set n 0 0 2\r\n 1\r\nincr n 1\r\nset m 0 0 3\r\n1 2\r\nincr m 1\r\n",
            "set q 0 0 3\r\n100\r\ndecr q 1\r\nget q\r\nincr q 1000\r\nget q\r\n",
            "set e 0 0 0\r\n\r\nincr e 5\r\n",
            "set a 0 0 1\r\n1\r\nincr a 18446744073709551616\r\nincr a 00\r\nincr a 1 2\r\n",
            "incr\r\nincr a\r\ndecr a 1 2 3\r\nincr " + K251 + " 1\r\n",
            "set a 0 0 1\r\nx\r\ndelete a 0\r\ndelete a 5\r\ndelete a noreply\r\ndelete a\r\ndelete\r\ndelete " + K251 + "\r\n",
            "set a 0 0 1\r\nx\r\ntouch a 10\r\ntouch zz 10\r\ntouch a\r\ntouch a abc\r\ntouch a 10 noreply\r\ntouch " + K251 + " 1\r\n",
            "set a 0 0 1\r\nx\r\ngat 100 a b\r\ngat a\r\ngat\r\ngat 10\r\n",
            "set a 0 0 1\r\nx\r\ncas a 0 0 1 99\r\ny\r\ncas zz 0 0 1 1\r\ny\r\ncas a 0 0 1\r\ny\r\ncas a 0 0 1 abc\r\nx\r\n",
            "set a 0 0 1\r\nx\r\nappend zz 0 0 1\r\ny\r\nprepend zz 0 0 1\r\ny\r\nappend a 0 0 1\r\nY\r\nprepend a 0 0 1\r\nP\r\nget a\r\n",
            "set a 0 0 1\r\nx\r\nadd a 0 0 1\r\nq\r\nreplace zz 0 0 1\r\nq\r\nadd a 0 0 1 noreply\r\nq\r\nget a\r\n",
            "verbosity 1\r\nverbosity\r\nverbosity 1 noreply\r\nverbosity a b c\r\nverbosity abc\r\nverbosity 1 2\r\n",
            "version\r\nversion foo bar\r\n",
            "flush_all\r\nflush_all 0\r\nflush_all noreply\r\nflush_all abc\r\nflush_all 0 noreply\r\nflush_all -1\r\nflush_all 1 2 3\r\n",
            "quit\r\nget a\r\n",
            "x".repeat(2100),
            "set a 0 0 1\r\nxy",
            "\u0000\u0001\u0002\u00ff\u00fe\r\n",
            "stats nonsense\r\nstats noreply\r\nstats reset\r\n",
            "shutdown\r\n",
            "set a 0 0 1\r\nq\r\nset a 0 0 2097152\r\n" + "z".repeat(2097152) + "\r\nget a\r\n",
            "set a 0 0 1\r\nq\r\nappend a 0 0 2097152\r\n" + "z".repeat(2097152) + "\r\nget a\r\n",
            "set a 0 0 1 \r\nx\r\nget a \r\nget  a\r\n");

    static final List<String> META_CASES = List.of(
            "mn\r\nmg\r\nme\r\nms a\r\n",
            "mg a\r\nmg a v\r\nmg a q\r\nmg zz q v\r\nmg zz v\r\nmg zz k O5 v\r\nmn\r\n",
            "ms a 2\r\nhi\r\nmg a v f s k\r\n",
            "ms a 2 F5 T0\r\nhi\r\nmg a v f s k O123\r\nmg a s v t\r\n",
            "ms a 2 T100\r\nhi\r\nmg a t\r\nmg a T0 t\r\nmg a t\r\n",
            "ms a 2 q\r\nhi\r\nmn\r\n",
            "ms a 2\r\nhi\r\nms a 2 MA\r\nxy\r\nms a 2 MP\r\nxy\r\nmg a v\r\nms zz 2 MR\r\nxy\r\nms zz 2 ME\r\nxy\r\n"
                    + "ms zz 2 ME\r\nxy\r\nms zz 2 Ms\r\nxy\r\nms x 1 MX\r\nx\r\n",
            "ms a 2 Z\r\nhi\r\nmg a Z\r\nms a abc\r\nhi\r\nms a 2\r\nhiX\r\nms a S2\r\nhi\r\n",
            "ms a 3 E777\r\nabc\r\nmg a v v\r\nmg a Oabcdefghijklmnopqrstuvwxyzabcdefghijk\r\nmg a b\r\n",
            "md zz\r\nmd zz q\r\nms a 1\r\nx\r\nmd a q\r\nmg a\r\nms d 1 T0 F3 k O9\r\nx\r\nmd d q\r\nmd d\r\nmd d O7 k\r\nmn\r\n",
            "ma zz\r\nma zz N0 J10\r\nma zz\r\nma zz v\r\nma zz MD D20 v\r\nma zz M- D1 v\r\nma zz MI D5 v t\r\nmg zz v\r\n",
            "ms s 1\r\nx\r\nma s\r\nma s q\r\nma zz D-1\r\nma zz Dabc\r\nma zz q\r\nmn\r\n",
            "ms n 1\r\n5\r\nma n v t N0 O1 k\r\nma n MD D9 q\r\nmn\r\nmg n v\r\n",
            "mg " + K251 + " v\r\nms YWJj 1 b\r\nx\r\nmg abc v\r\nmg YWJj b k v\r\nmg !!! b\r\n",
            "ms a 1\r\nx\r\nmd a I T30\r\nmg a v\r\nmg a v\r\nms a 1\r\ny\r\nmg a v\r\n",
            "mg nv N30 v t\r\nmg nv v t\r\nmg nv\r\nms nv 1\r\nz\r\nmg nv v\r\n",
            "ms a 1 C999\r\nx\r\nms a 1 I\r\nx\r\nmg a O\r\nme zz\r\n");

    @Test
    void metaProtocolRepliesAreTheSameBytes() throws Exception {
        assertSameReplies(META_CASES);
    }

    @Test
    void textProtocolRepliesAreTheSameBytes() throws Exception {
        assertSameReplies(TEXT_CASES);
    }

    /** Runs every case against both servers and compares the replies, all mismatches at once. */
    static void assertSameReplies(List<String> cases) throws Exception {
        List<String> mismatches = new ArrayList<>();
        for (String request : cases) {
            String expected = exchange(theirs.port(), request);
            String actual = exchange(ours.port(), request);
            if (!expected.equals(actual)) {
                mismatches.add(shorten(request) + "\n    memcached: " + shorten(expected) + "\n    ours:      " + shorten(actual));
            }
        }
        assertEquals(List.of(), mismatches, String.join("\n", mismatches));
    }

    private static String exchange(int port, String request) throws Exception {
        try (Raw flush = new Raw(port)) {
            assertEquals("OK\r\n", flush.exchange("flush_all\r\n", "OK\r\n"));
        }
        try (Raw r = new Raw(port)) {
            r.send(Raw.ascii(request));
            return r.drain(request.length() > 1_000_000 ? 1500 : 300);
        }
    }

    private static String shorten(String s) {
        String t = s.length() > 160 ? s.substring(0, 80) + "...(" + s.length() + " chars)" : s;
        return t.replace("\r", "\\r").replace("\n", "\\n");
    }
}
