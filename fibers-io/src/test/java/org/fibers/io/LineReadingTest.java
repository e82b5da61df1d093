package org.fibers.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reader's line scanning and buffer management: every byte comes out once, in order. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LineReadingTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void theWordAtATimeNewlineSearchAgreesWithAByteByByteOne() {
        SplittableRandom random = new SplittableRandom(42);
        ByteBuffer b = ByteBuffer.allocateDirect(64).order(ByteOrder.LITTLE_ENDIAN);
        for (int round = 0; round < 20_000; round++) {
            int oneIn = 1 + random.nextInt(80); // newline density: from every byte to hardly any
            for (int i = 0; i < b.capacity(); i++) {
                // the other bytes are mostly neighbours of '\n' (0x0a), zero, and bytes with the
                // high bit set, which a wrong borrow or sign handling would take for a newline
                int v = random.nextInt(oneIn) == 0 ? '\n' : switch (random.nextInt(6)) {
                    case 0 -> 0x0b;
                    case 1 -> 0x09;
                    case 2 -> 0x8a;
                    case 3 -> 0;
                    default -> '\n' + 1 + random.nextInt(245);
                };
                b.put(i, (byte) v);
            }
            int from = random.nextInt(b.capacity() + 1);
            int to = from + random.nextInt(b.capacity() - from + 1);
            int expected = from;
            while (expected < to && b.get(expected) != '\n') {
                expected++;
            }
            assertEquals(expected, SocketReader.indexOfNewline(b, from, to), "round " + round + " [" + from + ", " + to + ")");
        }
    }

    @Test
    void linesOfEveryLengthAcrossBufferBoundariesArriveIntactByEveryReadMethod() {
        SplittableRandom random = new SplittableRandom(7);
        List<byte[]> lines = new ArrayList<>();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < 3000; i++) {
            // mostly short lines; some longer than the socket's 8 KiB buffer, so that a line
            // straddles refills and the buffer compacts a partial line to its front
            int len = random.nextInt(10) == 0 ? random.nextInt(20_000) : random.nextInt(40);
            byte[] line = new byte[len];
            for (int j = 0; j < len; j++) {
                line[j] = (byte) ('a' + random.nextInt(26));
            }
            lines.add(line);
            wire.writeBytes(line);
            wire.write('\n');
        }
        byte[] payload = wire.toByteArray();
        Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            try (FiberServerSocket server = FiberServerSocket.bind(ANY_LOOPBACK_PORT)) {
                Fibers.spawn(() -> {
                    try (FiberSocket c = server.accept()) {
                        SplittableRandom chunks = new SplittableRandom(11);
                        for (int off = 0; off < payload.length; ) {
                            int n = Math.min(payload.length - off, 1 + chunks.nextInt(5000));
                            c.write(payload, off, n);
                            c.flush(); // odd-sized segments: newlines land anywhere in a read
                            off += n;
                        }
                    }
                    return null;
                });
                try (FiberSocket s = FiberSocket.connect(server.localAddress())) {
                    byte[] into = new byte[20_000];
                    for (int i = 0; i < lines.size(); i++) {
                        byte[] expected = lines.get(i);
                        switch (i % 3) {
                            case 0 -> assertEquals(new String(expected, StandardCharsets.UTF_8), s.readLine(), "line " + i);
                            case 1 -> {
                                int n = s.readLine(into);
                                assertArrayEquals(expected, Arrays.copyOf(into, n), "line " + i);
                            }
                            default -> {
                                byte[] got = new byte[expected.length + 1];
                                s.readFully(got, 0, got.length);
                                assertArrayEquals(expected, Arrays.copyOf(got, expected.length), "line " + i);
                                assertEquals('\n', got[expected.length], "line " + i + " ends in a newline");
                            }
                        }
                    }
                    assertNull(s.readLine(), "end of stream after the last line");
                }
            }
            return null;
        });
    }
}
