package org.fibers.examples.memcached;

/**
 * The cache's commands, shared by the text and meta protocols: each is one atomic section of
 * the {@link Store} for its key, and counts itself in {@link ServerStats} as memcached does.
 * Parsing and replies live in {@link TextCommands} and {@link MetaCommands}.
 */
final class CacheOps {
    /** How a storage command treats an existing item. */
    enum Mode {
        /** Store unconditionally. */
        SET,
        /** Store only if absent. */
        ADD,
        /** Store only if present. */
        REPLACE,
        /** Add the data after the present value. */
        APPEND,
        /** Add the data before the present value. */
        PREPEND
    }

    /** What a storage command did. */
    enum Outcome {
        /** Stored. */
        STORED,
        /** Not stored: the mode's condition failed (or an append grew past the item limit). */
        NOT_STORED,
        /** Not stored: the compare-and-swap unique did not match. */
        EXISTS,
        /** Not stored: compare-and-swap on a missing key. */
        NOT_FOUND
    }

    /** The outcome of a storage command and the stored item's cas unique (0 if none). */
    record Stored(Outcome outcome, long cas) {
    }

    /** incr/decr: the new value, or that the item is missing or not a number; cas -1 when a compare failed. */
    record Counter(boolean found, boolean numeric, long value, long cas) {
    }

    private final Store store;
    private final ServerStats stats;
    private final int itemMax;

    CacheOps(Store store, ServerStats stats, int itemMax) {
        this.store = store;
        this.stats = stats;
        this.itemMax = itemMax;
    }

    Store store() {
        return store;
    }

    /** The size check before a value is read: null if it fits, else memcached's error line. */
    String sizeError(int keyLength, long valueLength) {
        long size = Item.size(keyLength, valueLength);
        if (size > itemMax) {
            stats.storeTooLarge.increment();
            return "SERVER_ERROR object too large for cache";
        }
        if (size > store.limitBytes()) {
            stats.storeNoMemory.increment();
            return "SERVER_ERROR out of memory storing object";
        }
        return null;
    }

    /** A set whose value was refused for its size drops the old value, as memcached does. */
    void dropStale(Key key) {
        store.locked(key, s -> s.remove(key));
    }

    /**
     * Stores {@code value} under {@code key} by {@code mode}; with {@code compareCas} non-zero,
     * only over an item with that cas unique (memcached's cas, meta's C flag).
     */
    Stored store(Mode mode, Key key, byte[] value, int flags, long deadline, long compareCas) {
        stats.cmdSet.increment();
        long now = System.currentTimeMillis();
        return store.locked(key, s -> {
            Item cur = s.find(key, now);
            if (compareCas != 0) {
                if (cur == null) {
                    stats.casMisses.increment();
                    return new Stored(Outcome.NOT_FOUND, 0);
                }
                if (cur.cas != compareCas) {
                    stats.casBadval.increment();
                    return new Stored(Outcome.EXISTS, 0);
                }
                stats.casHits.increment();
            }
            Item next;
            switch (mode) {
                case ADD -> {
                    if (cur != null) {
                        cur.lastAccessMillis = now; // memcached bumps the item that blocked the add
                        return new Stored(Outcome.NOT_STORED, 0);
                    }
                    next = new Item(key, value, flags, deadline, now, store.nextCas());
                }
                case REPLACE -> {
                    if (cur == null) {
                        return new Stored(Outcome.NOT_STORED, 0);
                    }
                    next = new Item(key, value, flags, deadline, now, store.nextCas());
                }
                case APPEND, PREPEND -> {
                    if (cur == null || Item.size(key.length(), (long) cur.value.length + value.length) > itemMax) {
                        return new Stored(Outcome.NOT_STORED, 0);
                    }
                    byte[] joined = new byte[cur.value.length + value.length];
                    byte[] first = mode == Mode.APPEND ? cur.value : value;
                    byte[] second = mode == Mode.APPEND ? value : cur.value;
                    System.arraycopy(first, 0, joined, 0, first.length);
                    System.arraycopy(second, 0, joined, first.length, second.length);
                    next = new Item(key, joined, cur.flags, cur.expiresAtMillis, now, store.nextCas());
                }
                default -> next = new Item(key, value, flags, deadline, now, store.nextCas());
            }
            s.put(next);
            return new Stored(Outcome.STORED, next.cas);
        });
    }

    /** A get: the live item or null; counts a hit or miss. */
    Item get(Key key) {
        stats.cmdGet.increment();
        long now = System.currentTimeMillis();
        Item it = store.locked(key, s -> {
            Item found = s.find(key, now);
            if (found != null) {
                found.fetched = true;
                found.lastAccessMillis = now;
            }
            return found;
        });
        (it != null ? stats.getHits : stats.getMisses).increment();
        return it;
    }

    /** gat: a get that also sets a new expiry deadline; null if missing. */
    Item getAndTouch(Key key, long deadline) {
        stats.cmdGet.increment();
        stats.cmdTouch.increment();
        Item it = touchLocked(key, deadline, true);
        (it != null ? stats.touchHits : stats.touchMisses).increment();
        (it != null ? stats.getHits : stats.getMisses).increment();
        return it;
    }

    /** touch: a new expiry deadline; false if missing. */
    boolean touch(Key key, long deadline) {
        stats.cmdTouch.increment();
        boolean hit = touchLocked(key, deadline, false) != null;
        (hit ? stats.touchHits : stats.touchMisses).increment();
        return hit;
    }

    private Item touchLocked(Key key, long deadline, boolean fetch) {
        long now = System.currentTimeMillis();
        return store.locked(key, s -> {
            Item cur = s.find(key, now);
            if (cur == null) {
                return null;
            }
            Item next = withDeadline(cur, deadline);
            next.fetched = cur.fetched || fetch;
            next.lastAccessMillis = now;
            s.put(next);
            return next;
        });
    }

    /** The same item with another expiry (same cas unique: touching is not a change). */
    static Item withDeadline(Item cur, long deadline) {
        Item next = new Item(cur.key, cur.value, cur.flags, deadline, cur.storedAtMillis, cur.cas);
        next.stale = cur.stale;
        next.winTokenSent = cur.winTokenSent;
        return next;
    }

    /** delete: false if there was nothing to delete. */
    boolean delete(Key key) {
        long now = System.currentTimeMillis();
        boolean hit = store.locked(key, s -> s.find(key, now) != null && s.remove(key) != null);
        (hit ? stats.deleteHits : stats.deleteMisses).increment();
        return hit;
    }

    /** incr/decr as the text protocol has it. */
    Counter incrDecr(Key key, boolean incr, long delta) {
        return arithmetic(key, incr, delta, 0, -1, 0, -1);
    }

    /**
     * incr (wraps at 2^64) or decr (stops at 0) by the unsigned {@code delta}. A shorter result
     * is padded with spaces to the old length, as memcached's in-place update leaves it. With
     * {@code compareCas} non-zero only an item with that unique is changed ({@code exists} false
     * otherwise, {@code found} true); a missing key is created holding {@code initial} when
     * {@code vivifyDeadline} is not -1 (meta's N and J); {@code newDeadline} not -1 sets the expiry.
     */
    Counter arithmetic(Key key, boolean incr, long delta, long compareCas, long vivifyDeadline, long initial,
            long newDeadline) {
        long now = System.currentTimeMillis();
        Counter c = store.locked(key, s -> {
            Item cur = s.find(key, now);
            if (cur == null) {
                if (vivifyDeadline == -1) {
                    return new Counter(false, false, 0, 0);
                }
                Item created = new Item(key, digits(initial), 0, vivifyDeadline, now, store.nextCas());
                s.put(created);
                return new Counter(true, true, initial, created.cas);
            }
            if (compareCas != 0 && cur.cas != compareCas) {
                return new Counter(true, true, 0, -1);
            }
            boolean[] valid = new boolean[1];
            long v = Numbers.storedCounter(cur.value, valid);
            if (!valid[0]) {
                return new Counter(true, false, 0, 0);
            }
            long r = incr ? v + delta : (Long.compareUnsigned(v, delta) < 0 ? 0 : v - delta);
            byte[] value = digits(r);
            if (value.length < cur.value.length) {
                byte[] padded = new byte[cur.value.length];
                java.util.Arrays.fill(padded, (byte) ' ');
                System.arraycopy(value, 0, padded, 0, value.length);
                value = padded;
            }
            long deadline = newDeadline == -1 ? cur.expiresAtMillis : newDeadline;
            Item next = new Item(key, value, cur.flags, deadline, now, store.nextCas());
            next.fetched = cur.fetched;
            s.put(next);
            return new Counter(true, true, r, next.cas);
        });
        if (incr) {
            (c.found() ? stats.incrHits : stats.incrMisses).increment();
        } else {
            (c.found() ? stats.decrHits : stats.decrMisses).increment();
        }
        return c;
    }

    private static byte[] digits(long unsigned) {
        return Long.toUnsignedString(unsigned).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** flush_all [delay]. */
    void flushAll(long delaySeconds) {
        stats.cmdFlush.increment();
        store.flushAll(delaySeconds);
    }
}
