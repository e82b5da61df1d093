package org.fibers.examples.memcached;

/**
 * One stored value. The key, value, flags, expiry and cas unique never change (an update makes
 * a new item); the access bookkeeping the meta protocol reports ({@link #lastAccessMillis},
 * {@link #fetched}, and the stale/win-token state of {@code mg N}/{@code md I}) is only read
 * and written under the lock of the {@link Store} stripe that holds the item.
 */
final class Item {
    /** What memcached's item header costs; counted into every item's size, as memcached does. */
    static final int HEADER_BYTES = 48;

    final Key key;
    final byte[] value;
    final int flags;
    /** Wall-clock deadline in milliseconds since the epoch, 0 for never. */
    final long expiresAtMillis;
    /** When the item was stored (for {@code flush_all} with a delay), in epoch milliseconds. */
    final long storedAtMillis;
    final long cas;

    /** Guarded by the stripe lock: last time the item was read or touched. */
    long lastAccessMillis;
    /** Guarded by the stripe lock: whether a get has returned it. */
    boolean fetched;
    /** Guarded by the stripe lock: marked stale by {@code md I} or {@code ms I}. */
    boolean stale;
    /** Guarded by the stripe lock: a W (win) token was handed out for it and not yet resolved. */
    boolean winTokenSent;

    Item(Key key, byte[] value, int flags, long expiresAtMillis, long storedAtMillis, long cas) {
        this.key = key;
        this.value = value;
        this.flags = flags;
        this.expiresAtMillis = expiresAtMillis;
        this.storedAtMillis = storedAtMillis;
        this.cas = cas;
        this.lastAccessMillis = storedAtMillis;
    }

    /** The bytes this item counts against the memory limit. */
    long size() {
        return size(key.length(), value.length);
    }

    /** The bytes an item of this key and value length counts (memcached's ITEM_ntotal, roughly). */
    static long size(int keyLength, long valueLength) {
        return HEADER_BYTES + keyLength + 1 + valueLength + 2 + 8;
    }

    boolean expired(long nowMillis) {
        return expiresAtMillis != 0 && expiresAtMillis <= nowMillis;
    }
}
