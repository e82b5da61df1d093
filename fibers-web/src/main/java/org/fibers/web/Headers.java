package org.fibers.web;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * HTTP header fields in the order they came or were added, with case-insensitive lookup by
 * name. Names keep the spelling they were given. Not thread-safe: a request's headers belong
 * to its handler, a response's to whoever builds it.
 *
 * <p>Values added to a response must not contain CR, LF or other control characters except
 * HTAB, and names must be HTTP tokens: {@link #add} rejects them with an
 * {@link IllegalArgumentException}, so a handler can never split a response.
 */
public final class Headers {
    private String[] names;
    private String[] values;
    private int size;
    /** Set for request headers, which the parser has validated already. */
    private final boolean trusted;

    /** Empty headers for a response. */
    public Headers() {
        this(8, false);
    }

    Headers(int capacity, boolean trusted) {
        this.names = new String[capacity];
        this.values = new String[capacity];
        this.trusted = trusted;
    }

    /**
     * Headers the HTTP/1.1 parser filled in, already validated (for the parser).
     *
     * @param capacity how many fields to make room for
     * @return empty headers that skip validation on add
     */
    public static Headers parsed(int capacity) {
        return new Headers(Math.max(capacity, 4), true);
    }

    /**
     * Adds a field; an existing field of that name stays.
     *
     * @param name the field name, an HTTP token; its spelling is kept
     * @param value the field value
     * @return these headers
     * @throws IllegalArgumentException if the name is not a token or the value holds CR, LF or
     *         another control character
     */
    public Headers add(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (!trusted) {
            checkName(name);
            checkValue(name, value);
        }
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size] = value;
        size++;
        return this;
    }

    /**
     * Replaces every field named {@code name} (any case) with one holding {@code value}.
     *
     * @param name the field name, an HTTP token
     * @param value the field value
     * @return these headers
     * @throws IllegalArgumentException if the name is not a token or the value holds a control
     *        character
     */
    public Headers set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    /**
     * Removes every field named {@code name} (any case); true if there was one.
     *
     * @param name the field name, in any case
     * @return whether a field was removed
     */
    public boolean remove(String name) {
        int w = 0;
        for (int r = 0; r < size; r++) {
            if (!names[r].equalsIgnoreCase(name)) {
                names[w] = names[r];
                values[w] = values[r];
                w++;
            }
        }
        boolean removed = w != size;
        for (int i = w; i < size; i++) {
            names[i] = null;
            values[i] = null;
        }
        size = w;
        return removed;
    }

    /**
     * The first value of the field named {@code name} (any case), or null.
     *
     * @param name the field name, in any case
     * @return the value of its first occurrence, or null
     */
    public String first(String name) {
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return values[i];
            }
        }
        return null;
    }

    /**
     * Every value of the field named {@code name} (any case), in order; empty if none.
     *
     * @param name the field name, in any case
     * @return the values, in the order received or added
     */
    public List<String> all(String name) {
        List<String> out = new ArrayList<>(2);
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                out.add(values[i]);
            }
        }
        return out;
    }

    /**
     * True if a field named {@code name} (any case) is present.
     *
     * @param name the field name, in any case
     * @return whether it is present
     */
    public boolean contains(String name) {
        return first(name) != null;
    }

    /**
     * How many fields there are.
     *
     * @return the count of fields, repeated names counted each time
     */
    public int size() {
        return size;
    }

    /**
     * The name of field {@code i} (0-based, in order), as it was spelled.
     *
     * @param i the field's index, from 0 to {@link #size()} - 1
     * @return the field's name
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public String name(int i) {
        Objects.checkIndex(i, size);
        return names[i];
    }

    /**
     * The value of field {@code i} (0-based, in order).
     *
     * @param i the field's index, from 0 to {@link #size()} - 1
     * @return the field's value
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public String value(int i) {
        Objects.checkIndex(i, size);
        return values[i];
    }

    /** Removes every field. */
    public void clear() {
        Arrays.fill(names, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
    }

    /**
     * True if {@code c} may appear in a token (RFC 9110 tchar). Takes a char or a signed byte
     * as it is: a byte of 0x80 or more arrives negative and is no tchar.
     *
     * @param c a char, or a byte as it is
     * @return whether it is a tchar
     */
    public static boolean isTokenChar(int c) {
        return (c & ~0x7f) == 0 && TCHAR[c];
    }

    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private static void checkName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty header name");
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                throw new IllegalArgumentException("header name is not an HTTP token: " + name);
            }
        }
    }

    private static void checkValue(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                throw new IllegalArgumentException("header " + name + " has a character not allowed in a value: U+"
                        + String.format("%04X", (int) c));
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < size; i++) {
            b.append(i == 0 ? "" : ", ").append(names[i]).append(": ").append(values[i]);
        }
        return b.append('}').toString();
    }
}
