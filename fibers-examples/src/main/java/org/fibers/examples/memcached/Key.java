package org.fibers.examples.memcached;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A memcached key: up to {@link #MAX_LENGTH} bytes, compared byte for byte, with its hash
 * computed once. Immutable; the bytes are a private copy.
 */
public final class Key {
    /** memcached's KEY_MAX_LENGTH. */
    public static final int MAX_LENGTH = 250;

    private final byte[] bytes;
    private final int hash;

    private Key(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /**
     * Copies {@code len} bytes of {@code src} from {@code off}.
     *
     * @param src the bytes
     * @param off the index of the key's first byte
     * @param len the key's length
     * @return the key, holding its own copy
     */
    public static Key of(byte[] src, int off, int len) {
        return new Key(Arrays.copyOfRange(src, off, off + len));
    }

    /**
     * The key's UTF-8 bytes.
     *
     * @param key the key as text
     * @return the key
     */
    public static Key of(String key) {
        return new Key(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The bytes themselves (not a copy: never modify them). */
    byte[] bytes() {
        return bytes;
    }

    /**
     * Length in bytes.
     *
     * @return the key's length in bytes
     */
    public int length() {
        return bytes.length;
    }

    /** A stripe index in {@code [0, stripes)}, for a power-of-two {@code stripes}. */
    int stripe(int stripes) {
        int h = hash * 0x9E3779B9;
        return (h ^ (h >>> 16)) & (stripes - 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
