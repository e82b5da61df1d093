package org.fibers.examples.memcached;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.fibers.Fibers;
import org.fibers.channels.Channel;
import org.fibers.scheduler.Scheduler;

/**
 * The cache: keys spread over a power-of-two number of stripes, each a {@link LinkedHashMap} in
 * access order (its own exact LRU) behind its own {@link ReentrantLock}, and one memory budget
 * shared by all. Usable from fibers and plain threads.
 *
 * <p>Commands run their whole read-modify-write inside {@link #locked}, so {@code cas},
 * {@code incr}, {@code append} and the meta commands are atomic per key without a global lock.
 *
 * <p>The alternative the manual's "share by communicating" suggests is here too, for the
 * benchmark ({@code memcached-server --store owners}): one owner fiber per stripe, which alone
 * touches its map and runs the commands sent to it over a channel; the caller waits for the
 * answer on a channel of its own.
 */
final class Store {
    /*
     * Implementation notes.
     *
     * Why striped locks and not an owner fiber per shard reached over channels: a command's
     * critical section here is a hash lookup and a few field writes (well under a microsecond),
     * while a channel round trip to an owner fiber costs two fiber switches (~0.3-0.6 us each on
     * this machine, see PEERS.md), and ReentrantLock parks a contending fiber like any other
     * blocking call (no carrier is pinned). Striping makes contention rare: 64 stripes for a
     * few carrier threads. The package javadoc has the measured numbers.
     *
     * Memory. `bytes` is the sum of Item.size() over stored items; it is updated under the
     * stripe lock of the item concerned, so it is exact once no command runs, but a check
     * against the limit may see other stripes' in-flight changes. After a command has added
     * bytes, and with no lock held, it evicts until `bytes` is back under the limit: first the
     * least recently used item of its own stripe, then of the following stripes in turn. So
     * LRU is exact within a stripe and approximate across stripes (an item only ever loses to
     * one of similar age in another stripe); memcached's own LRU is per slab class, also not
     * global. Two writers may both evict for the same overshoot; the excess is one item each.
     *
     * Owner mode (--store owners). Each stripe has an inbox channel and an owner fiber that
     * takes (body, reply channel) requests from it one at a time and puts the body's result
     * (or the exception it threw) on the reply channel; the lock is never taken. A caller's
     * reply channel is per thread (a fiber is a thread), so a request costs two rendezvous and
     * no allocation of channels. The owners start with the server (startOwners, inside its
     * Fibers.run) and end when stopOwners closes the inboxes.
     *
     * Expiry is lazy, as in memcached: an expired item is removed when a command finds it,
     * or when eviction reaches it (counted as reclaimed, not evicted).
     */
    static final int STRIPES = 64;

    private final Stripe[] stripes = new Stripe[STRIPES];
    private final long limitBytes;
    private final long startMillis = System.currentTimeMillis();
    /** Sum of the stored items' sizes; see the implementation notes. */
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong items = new AtomicLong();
    private final AtomicLong totalItems = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong reclaimed = new AtomicLong();
    /** Last cas unique handed out; strictly increasing. */
    private final AtomicLong lastCas = new AtomicLong();
    /**
     * A delayed {@code flush_all}: items stored at or before this wall-clock time are invalid
     * once it has passed. 0 when none is pending.
     */
    private volatile long oldestLiveMillis;

    /** Owner mode's inboxes, one per stripe; null when the stripes are locked instead. */
    private final Channel<Request>[] inboxes;
    private final ThreadLocal<Channel<Object>> replies = ThreadLocal.withInitial(Channel::new);

    /** A command for a stripe's owner fiber, and where its result goes. */
    private record Request(Function<Stripe, ?> body, Stripe stripe, Channel<Object> reply) {
    }

    /** What an owner sends back when the body threw. */
    private record Failure(RuntimeException error) {
    }

    Store(long limitBytes) {
        this(limitBytes, false);
    }

    /** A store whose stripes are locked, or, with {@code ownerFibers}, owned by one fiber each. */
    @SuppressWarnings("unchecked")
    Store(long limitBytes, boolean ownerFibers) {
        this.limitBytes = limitBytes;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
        this.inboxes = ownerFibers ? new Channel[STRIPES] : null;
        if (ownerFibers) {
            for (int i = 0; i < STRIPES; i++) {
                inboxes[i] = new Channel<>();
            }
        }
    }

    /** Owner mode: spawns the owner fibers on the peer schedulers. Call inside the server's Fibers.run. */
    void startOwners() {
        if (inboxes == null) {
            return;
        }
        for (Channel<Request> inbox : inboxes) {
            Fibers.spawn(() -> {
                for (;;) {
                    java.util.Optional<Request> next = inbox.getOrEndOperation().perform();
                    if (next.isEmpty()) {
                        return; // inbox closed: the server stopped
                    }
                    Request r = next.get();
                    Object answer;
                    try {
                        answer = r.body().apply(r.stripe());
                    } catch (RuntimeException e) {
                        answer = new Failure(e);
                    }
                    r.reply().put(answer == null ? NULL : answer);
                }
            }, Scheduler.current(), true);
        }
    }

    /** Owner mode: lets the owner fibers end. */
    void stopOwners() {
        if (inboxes != null) {
            for (Channel<Request> inbox : inboxes) {
                inbox.close();
            }
        }
    }

    private static final Object NULL = new Object();

    /** Runs {@code body} on stripe {@code index}: under its lock, or on its owner fiber. */
    @SuppressWarnings("unchecked")
    private <R> R onStripe(int index, Function<Stripe, R> body) {
        Stripe s = stripes[index];
        if (inboxes == null) {
            s.lock.lock();
            try {
                return body.apply(s);
            } finally {
                s.lock.unlock();
            }
        }
        Channel<Object> reply = replies.get();
        inboxes[index].put(new Request(body, s, reply));
        Object answer = reply.get();
        if (answer instanceof Failure f) {
            throw f.error();
        }
        return answer == NULL ? null : (R) answer;
    }

    /**
     * Runs {@code body} with {@code key}'s stripe locked, then evicts if the body stored more
     * than the memory limit allows.
     */
    <R> R locked(Key key, Function<Stripe, R> body) {
        int index = key.stripe(STRIPES);
        R result = onStripe(index, body);
        while (bytes.get() > limitBytes && evictOne(index)) {
            // evictOne removed one item; check the budget again
        }
        return result;
    }

    /** Removes the least recently used item of the first non-empty stripe from {@code start}. */
    private boolean evictOne(int start) {
        long now = System.currentTimeMillis();
        for (int i = 0; i < STRIPES; i++) {
            boolean evicted = onStripe((start + i) & (STRIPES - 1), s -> {
                Map.Entry<Key, Item> eldest = s.map.pollFirstEntry();
                if (eldest == null) {
                    return false;
                }
                Item it = eldest.getValue();
                s.accountRemoval(it);
                (it.expired(now) ? reclaimed : evictions).incrementAndGet();
                return true;
            });
            if (evicted) {
                return true;
            }
        }
        return false;
    }

    /** {@code flush_all}: with delay 0 everything goes now; otherwise at that time. */
    void flushAll(long delaySeconds) {
        long now = System.currentTimeMillis();
        if (delaySeconds <= 0) {
            oldestLiveMillis = 0;
            for (int i = 0; i < STRIPES; i++) {
                onStripe(i, s -> {
                    for (Item it : s.map.values()) {
                        bytes.addAndGet(-it.size());
                        items.decrementAndGet();
                    }
                    s.map.clear();
                    return null;
                });
            }
        } else {
            oldestLiveMillis = Expiry.deadline(delaySeconds, now, startMillis);
        }
    }

    /** A new cas unique, larger than every one before. */
    long nextCas() {
        return lastCas.incrementAndGet();
    }

    /** The deadline for an expiry argument, by memcached's rules (see {@link Expiry}). */
    long deadline(long exptime, long nowMillis) {
        return Expiry.deadline(exptime, nowMillis, startMillis);
    }

    long limitBytes() {
        return limitBytes;
    }

    long bytes() {
        return bytes.get();
    }

    long items() {
        return items.get();
    }

    long totalItems() {
        return totalItems.get();
    }

    long evictions() {
        return evictions.get();
    }

    long reclaimed() {
        return reclaimed.get();
    }

    /** One stripe; every method needs its lock held or runs on its owner (that is, inside {@link #locked}). */
    final class Stripe {
        private final ReentrantLock lock = new ReentrantLock();
        private final LinkedHashMap<Key, Item> map = new LinkedHashMap<>(256, 0.75f, true);

        /**
         * The live item for {@code key}, or null; marks it most recently used. An expired or
         * flushed item found here is removed.
         */
        Item find(Key key, long nowMillis) {
            Item it = map.get(key);
            if (it == null) {
                return null;
            }
            long oldest = oldestLiveMillis;
            if (it.expired(nowMillis) || (oldest != 0 && oldest <= nowMillis && it.storedAtMillis <= oldest)) {
                map.remove(key);
                accountRemoval(it);
                reclaimed.incrementAndGet();
                return null;
            }
            return it;
        }

        /** Stores {@code it}, replacing any item with its key. */
        void put(Item it) {
            Item old = map.put(it.key, it);
            if (old != null) {
                bytes.addAndGet(it.size() - old.size());
            } else {
                bytes.addAndGet(it.size());
                items.incrementAndGet();
            }
            totalItems.incrementAndGet();
        }

        /** Removes {@code key}'s item, if any, and returns it. */
        Item remove(Key key) {
            Item old = map.remove(key);
            if (old != null) {
                accountRemoval(old);
            }
            return old;
        }

        private void accountRemoval(Item it) {
            bytes.addAndGet(-it.size());
            items.decrementAndGet();
        }
    }
}
