package org.fibers.examples.memcached;

/**
 * Parsing of the protocol's numbers straight from the line buffer, with memcached's rules:
 * an optional {@code +} (and {@code -} for signed values), decimal digits, nothing else. Each
 * parser returns {@link #INVALID} (a value no caller accepts) instead of throwing.
 */
final class Numbers {
    /** Returned for anything that is not a number in range. */
    static final long INVALID = Long.MIN_VALUE;

    private Numbers() {
    }

    /** A signed 32-bit decimal (memcached's safe_strtol: exptime, length). */
    static long int32(byte[] b, int from, int to) {
        boolean negative = from < to && b[from] == '-';
        long v = unsignedDigits(b, negative || (from < to && b[from] == '+') ? from + 1 : from, to, 10);
        if (v == INVALID) {
            return INVALID;
        }
        v = negative ? -v : v;
        return v < Integer.MIN_VALUE || v > Integer.MAX_VALUE ? INVALID : v;
    }

    /** An unsigned 32-bit decimal (client flags). */
    static long uint32(byte[] b, int from, int to) {
        long v = unsignedDigits(b, from < to && b[from] == '+' ? from + 1 : from, to, 10);
        return v == INVALID || v > 0xFFFF_FFFFL ? INVALID : v;
    }

    /**
     * An unsigned 64-bit decimal (cas unique, incr/decr delta) as the long with the same bits;
     * {@code valid[0]} tells whether it parsed, since every long is a possible result.
     */
    static long uint64(byte[] b, int from, int to, boolean[] valid) {
        valid[0] = false;
        if (from < to && b[from] == '+') {
            from++;
        }
        if (from >= to || to - from > 20) {
            return 0;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return 0;
            }
            long next = v * 10 + d;
            // overflow past 2^64 - 1: the unsigned product wrapped
            if (Long.compareUnsigned(v, 1844674407370955161L) > 0
                    || (v == 1844674407370955161L && d > 5)) {
                return 0;
            }
            v = next;
        }
        valid[0] = true;
        return v;
    }

    /**
     * The number stored in an item for incr/decr, as memcached's strtoull reads it: leading
     * spaces, digits, then the end or a space. Returns false (in {@code valid[0]}) otherwise.
     */
    static long storedCounter(byte[] value, boolean[] valid) {
        int from = 0;
        while (from < value.length && value[from] == ' ') {
            from++;
        }
        int to = from;
        while (to < value.length && value[to] >= '0' && value[to] <= '9') {
            to++;
        }
        if (to < value.length && value[to] != ' ' || to == from) {
            valid[0] = false;
            return 0;
        }
        return uint64(value, from, to, valid);
    }

    /** Decimal digits only, at most 18 of them (so no overflow), as a long; INVALID otherwise. */
    private static long unsignedDigits(byte[] b, int from, int to, int radix) {
        if (from >= to || to - from > 18) {
            return INVALID;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d >= radix) {
                return INVALID;
            }
            v = v * radix + d;
        }
        return v;
    }

    /** Writes {@code v} in decimal into {@code dst} at {@code at}; returns the index after it. */
    static int putDecimal(byte[] dst, int at, long v) {
        if (v < 0) {
            return putUnsigned(dst, at, v);
        }
        if (v == 0) {
            dst[at] = '0';
            return at + 1;
        }
        int digits = 0;
        for (long t = v; t != 0; t /= 10) {
            digits++;
        }
        for (int i = at + digits - 1; i >= at; i--) {
            dst[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return at + digits;
    }

    /** Writes the unsigned 64-bit value {@code v} in decimal. */
    static int putUnsigned(byte[] dst, int at, long v) {
        if (v >= 0) {
            return putDecimal(dst, at, v);
        }
        byte[] s = Long.toUnsignedString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, dst, at, s.length);
        return at + s.length;
    }
}
