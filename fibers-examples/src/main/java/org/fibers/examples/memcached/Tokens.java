package org.fibers.examples.memcached;

import java.util.Arrays;

/**
 * A command line split at spaces, as memcached's tokenizer does (runs of spaces count as one;
 * tabs and other bytes belong to tokens). Tokens are offsets into the connection's buffer, so
 * splitting allocates nothing; valid until the next line is read.
 */
final class Tokens {
    private byte[] line;
    private int[] start = new int[32];
    private int[] end = new int[32];
    private int count;

    /** Splits {@code line[from, to)}. */
    void split(byte[] line, int from, int to) {
        this.line = line;
        count = 0;
        int i = from;
        while (i < to) {
            while (i < to && line[i] == ' ') {
                i++;
            }
            if (i == to) {
                break;
            }
            int s = i;
            while (i < to && line[i] != ' ') {
                i++;
            }
            if (count == start.length) {
                start = Arrays.copyOf(start, count * 2);
                end = Arrays.copyOf(end, count * 2);
            }
            start[count] = s;
            end[count] = i;
            count++;
        }
    }

    int count() {
        return count;
    }

    byte[] line() {
        return line;
    }

    int start(int i) {
        return start[i];
    }

    int end(int i) {
        return end[i];
    }

    int length(int i) {
        return end[i] - start[i];
    }

    /** Whether token {@code i} is exactly {@code s} (ASCII). */
    boolean is(int i, String s) {
        if (i >= count || length(i) != s.length()) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (line[start[i] + k] != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** Token {@code i} as a key (a copy). */
    Key key(int i) {
        return Key.of(line, start[i], length(i));
    }

    /** Token {@code i} as text (ISO-8859-1, byte per char). */
    String text(int i) {
        return new String(line, start[i], length(i), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Whether the last token is {@code noreply} (memcached's set_noreply_maybe). */
    boolean noreply() {
        return count > 0 && is(count - 1, "noreply");
    }

    long int32(int i) {
        return Numbers.int32(line, start[i], end[i]);
    }

    long uint32(int i) {
        return Numbers.uint32(line, start[i], end[i]);
    }

    long uint64(int i, boolean[] valid) {
        return Numbers.uint64(line, start[i], end[i], valid);
    }
}
