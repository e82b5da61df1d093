package org.fibers.examples.memcached;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A memcached client on fiber sockets (text protocol), usable from fibers and from plain
 * threads: a call suspends the calling fiber, or blocks a plain thread, until the reply.
 * Keys are spread over the servers by {@link Ketama} consistent hashing, the same placement as
 * spymemcached's {@code KetamaConnectionFactory} for the same server list.
 *
 * <p>Failures are {@link MemcachedException}s saying which server and why. A server that
 * cannot be connected to is marked down: its keys fail at once ({@code SERVER_DOWN}) until
 * the retry delay has passed, then one call tries it again; the other servers' keys are served
 * throughout (keys are not moved to another server, so no stale copies arise). A reply slower
 * than the timeout fails with {@code TIMEOUT}. Connecting is bounded by the same timeout: a
 * refused connection fails at once, and a connect that does not complete in time (a host that
 * drops the SYNs, a listener whose accept queue is full) fails with {@code SERVER_DOWN} saying
 * it timed out, and marks the server down like any failed connect.
 *
 * <p>Keys are strings of 1 to 250 UTF-8 bytes without spaces or control characters; others get
 * an {@link IllegalArgumentException} before anything is sent. Expiry times follow memcached:
 * seconds from now up to 30 days, a Unix time beyond, 0 for never, negative for already expired.
 * Thread-safe.
 */
public final class MemcachedClient implements AutoCloseable {
    /**
     * The client's settings.
     *
     * @param timeout how long a reply may take before the call fails with {@code TIMEOUT}
     * @param retryDelay how long a server that refused connections is skipped before one call tries
     *        it again
     * @param maxConnectionsPerServer the most connections the client opens to one server
     * @param naming how servers are named on the ketama ring (spymemcached's or libmemcached's)
     */
    public record Options(Duration timeout, Duration retryDelay, int maxConnectionsPerServer, Ketama.NodeNaming naming) {
        /** Validates the settings. */
        public Options {
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(retryDelay, "retryDelay");
            Objects.requireNonNull(naming, "naming");
            if (timeout.isNegative() || timeout.isZero() || retryDelay.isNegative() || maxConnectionsPerServer < 1) {
                throw new IllegalArgumentException("timeout must be positive, retryDelay not negative, and maxConnectionsPerServer at least 1");
            }
        }

        /**
         * 1 s timeout, 1 s retry delay, 64 connections per server, spymemcached's ketama naming.
         *
         * @return the defaults
         */
        public static Options defaults() {
            return new Options(Duration.ofSeconds(1), Duration.ofSeconds(1), 64, Ketama.NodeNaming.SPYMEMCACHED);
        }
    }

    /**
     * A value as {@code gets} returns it: the bytes, the 32-bit flags, and the cas unique.
     *
     * @param value the stored bytes
     * @param flags the client flags stored with them
     * @param cas the cas unique, for {@link MemcachedClient#cas}; 0 when not asked for
     */
    public record Value(byte[] value, int flags, long cas) {
    }

    /** The outcome of {@link #cas}. */
    public enum CasOutcome {
        /** Stored: the item was unchanged since the {@code gets}. */
        STORED,
        /** Not stored: the item changed since. */
        EXISTS,
        /** Not stored: the item is gone. */
        NOT_FOUND
    }

    /** Keys per {@code get} line in {@link #getMulti}. */
    static final int KEYS_PER_GET = 100;

    private final Ketama ring;
    private final Map<InetSocketAddress, ServerNode> nodes = new HashMap<>();

    /**
     * A client of {@code servers} with {@link Options#defaults()}.
     *
     * @param servers the servers, sharded by ketama; at least one
     */
    public MemcachedClient(List<InetSocketAddress> servers) {
        this(servers, Options.defaults());
    }

    /**
     * A client of {@code servers}; no connection is opened before the first operation.
     *
     * @param servers the servers, sharded by ketama; at least one
     * @param options timeouts, retry delay, connection limit, ring naming
     */
    public MemcachedClient(List<InetSocketAddress> servers, Options options) {
        this.ring = new Ketama(servers, options.naming());
        for (InetSocketAddress s : ring.servers()) {
            nodes.put(s, new ServerNode(s, options.timeout(), options.retryDelay(), options.maxConnectionsPerServer()));
        }
    }

    /**
     * Parses {@code host:port} words (as the example mains take them) into addresses.
     *
     * @param words such as {@code 127.0.0.1:11211}
     * @return the addresses, in order
     * @throws IllegalArgumentException if a word is not {@code host:port}
     */
    public static List<InetSocketAddress> parseServers(List<String> words) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String w : words) {
            int colon = w.lastIndexOf(':');
            if (colon <= 0 || colon == w.length() - 1) {
                throw new IllegalArgumentException("not host:port: " + w);
            }
            out.add(new InetSocketAddress(w.substring(0, colon), Integer.parseInt(w.substring(colon + 1))));
        }
        return out;
    }

    /**
     * The server that holds {@code key}.
     *
     * @param key a memcached key
     * @return the server the ketama ring maps it to
     */
    public InetSocketAddress serverFor(String key) {
        return ring.serverFor(checkKey(key));
    }

    // ------------------------------------------------------------------ retrieval

    /**
     * The value stored under {@code key}, or null.
     *
     * @param key a memcached key
     * @return the bytes, or null on a miss
     */
    public byte[] get(String key) {
        Value v = getValue(key);
        return v == null ? null : v.value();
    }

    /**
     * The value and flags under {@code key} (cas 0), or null.
     *
     * @param key a memcached key
     * @return the value, or null on a miss
     */
    public Value getValue(String key) {
        return retrieveOne("get", key);
    }

    /**
     * The value, flags and cas unique under {@code key}, or null.
     *
     * @param key a memcached key
     * @return the value with its cas unique, or null on a miss
     */
    public Value gets(String key) {
        return retrieveOne("gets", key);
    }

    /**
     * The values of those {@code keys} that are stored, one pipelined request per server. If a
     * server fails, the {@link MemcachedException} thrown (for the first failure; the others
     * suppressed) carries the hits of the other servers in {@link MemcachedException#partial()}.
     *
     * @param keys the keys to look up
     * @return the hits, by key; misses are absent
     */
    public Map<String, byte[]> getMulti(Collection<String> keys) {
        Map<InetSocketAddress, List<String>> byServer = new LinkedHashMap<>();
        for (String k : keys) {
            byServer.computeIfAbsent(ring.serverFor(checkKey(k)), s -> new ArrayList<>()).add(k);
        }
        Map<String, byte[]> hits = new LinkedHashMap<>();
        MemcachedException failure = null;
        for (Map.Entry<InetSocketAddress, List<String>> e : byServer.entrySet()) {
            try {
                hits.putAll(nodes.get(e.getKey()).with(c -> {
                    List<String> ks = e.getValue();
                    for (int i = 0; i < ks.size(); i += KEYS_PER_GET) {
                        c.write("get " + String.join(" ", ks.subList(i, Math.min(ks.size(), i + KEYS_PER_GET))) + "\r\n");
                    }
                    c.flush();
                    Map<String, byte[]> got = new HashMap<>();
                    for (int i = 0; i < ks.size(); i += KEYS_PER_GET) {
                        readValues(c, false, (k, v) -> got.put(k, v.value()));
                    }
                    return got;
                }));
            } catch (MemcachedException ex) {
                if (failure == null) {
                    failure = ex;
                } else {
                    failure.addSuppressed(ex);
                }
            }
        }
        if (failure != null) {
            throw failure.withPartial(hits);
        }
        return hits;
    }

    // ------------------------------------------------------------------ storage

    /**
     * Stores {@code value} with flags 0; true when stored.
     *
     * @param key a memcached key
     * @param exptime memcached's expiry: 0 never, up to 30 days in seconds from now, else a Unix
     *        time
     * @param value the bytes to store
     * @return true when the server stored it
     */
    public boolean set(String key, int exptime, byte[] value) {
        return set(key, 0, exptime, value);
    }

    /**
     * Stores {@code value} unconditionally.
     *
     * @param key a memcached key
     * @param flags the 32-bit client flags to store with it
     * @param exptime memcached's expiry: 0 never, up to 30 days in seconds from now, else a Unix
     *        time
     * @param value the bytes to store
     * @return true when the server stored it
     */
    public boolean set(String key, int flags, int exptime, byte[] value) {
        return "STORED".equals(storage("set", key, flags, exptime, value, 0));
    }

    /**
     * Stores only if {@code key} holds nothing; true if stored.
     *
     * @param key a memcached key
     * @param flags the 32-bit client flags to store with it
     * @param exptime memcached's expiry: 0 never, up to 30 days in seconds from now, else a Unix
     *        time
     * @param value the bytes to store
     * @return true if stored, false if the key held a value
     */
    public boolean add(String key, int flags, int exptime, byte[] value) {
        return "STORED".equals(storage("add", key, flags, exptime, value, 0));
    }

    /**
     * Stores only if {@code key} holds a value; true if stored.
     *
     * @param key a memcached key
     * @param flags the 32-bit client flags to store with it
     * @param exptime memcached's expiry: 0 never, up to 30 days in seconds from now, else a Unix
     *        time
     * @param value the bytes to store
     * @return true if stored, false if the key held nothing
     */
    public boolean replace(String key, int flags, int exptime, byte[] value) {
        return "STORED".equals(storage("replace", key, flags, exptime, value, 0));
    }

    /**
     * Adds {@code data} after the stored value; false if there is none.
     *
     * @param key a memcached key
     * @param data the bytes to add
     * @return true if the value was extended
     */
    public boolean append(String key, byte[] data) {
        return "STORED".equals(storage("append", key, 0, 0, data, 0));
    }

    /**
     * Adds {@code data} before the stored value; false if there is none.
     *
     * @param key a memcached key
     * @param data the bytes to add
     * @return true if the value was extended
     */
    public boolean prepend(String key, byte[] data) {
        return "STORED".equals(storage("prepend", key, 0, 0, data, 0));
    }

    /**
     * Stores only if the item's cas unique is still {@code casUnique} (from {@link #gets}).
     *
     * @param key a memcached key
     * @param casUnique the cas unique {@link #gets} returned
     * @param flags the 32-bit client flags to store with it
     * @param exptime memcached's expiry: 0 never, up to 30 days in seconds from now, else a Unix
     *        time
     * @param value the bytes to store
     * @return whether it was stored, and if not why
     */
    public CasOutcome cas(String key, long casUnique, int flags, int exptime, byte[] value) {
        return CasOutcome.valueOf(storage("cas", key, flags, exptime, value, casUnique));
    }

    // ------------------------------------------------------------------ others

    /**
     * Removes {@code key}'s value; true if there was one.
     *
     * @param key a memcached key
     * @return true if a value was removed
     */
    public boolean delete(String key) {
        return "DELETED".equals(simple(key, "delete " + key + "\r\n", "DELETED", "NOT_FOUND"));
    }

    /**
     * Sets a new expiry time; true if the key held a value.
     *
     * @param key a memcached key
     * @param exptime the new expiry, as for {@link #set(String, int, byte[])}
     * @return true if the key held a value
     */
    public boolean touch(String key, int exptime) {
        return "TOUCHED".equals(simple(key, "touch " + key + " " + exptime + "\r\n", "TOUCHED", "NOT_FOUND"));
    }

    /**
     * Adds {@code delta} (an unsigned 64-bit number) to a decimal value; it wraps at 2^64. The new
     * value (unsigned, print it with {@link Long#toUnsignedString}), or empty if the key is missing.
     * A value that is not a number gets memcached's {@code CLIENT_ERROR}, as a {@link MemcachedException}.
     *
     * @param key a memcached key whose value is a decimal number
     * @param delta what to add, unsigned
     * @return the new value, or empty on a miss
     */
    public OptionalLong incr(String key, long delta) {
        return counter("incr", key, delta);
    }

    /**
     * Subtracts {@code delta} (unsigned) from a decimal value, stopping at 0; as {@link #incr}.
     *
     * @param key a memcached key whose value is a decimal number
     * @param delta what to subtract, unsigned
     * @return the new value, or empty on a miss
     */
    public OptionalLong decr(String key, long delta) {
        return counter("decr", key, delta);
    }

    /** {@code flush_all} on every server; throws the first failure after trying them all. */
    public void flushAll() {
        MemcachedException failure = null;
        for (InetSocketAddress s : ring.servers()) {
            try {
                nodes.get(s).with(c -> {
                    c.write("flush_all\r\n");
                    c.flush();
                    return expect(c, c.line(), "OK");
                });
            } catch (MemcachedException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes the idle connections; the client should not be used afterwards. */
    @Override
    public void close() {
        for (ServerNode n : nodes.values()) {
            n.close();
        }
    }

    // ------------------------------------------------------------------ the exchanges

    private Value retrieveOne(String command, String key) {
        return node(key).with(c -> {
            c.write(command + " " + key + "\r\n");
            c.flush();
            Value[] found = new Value[1];
            readValues(c, command.equals("gets"), (k, v) -> found[0] = v);
            return found[0];
        });
    }

    /** Reads {@code VALUE} blocks up to {@code END}. */
    private static void readValues(ClientConnection c, boolean withCas, java.util.function.BiConsumer<String, Value> sink) {
        for (;;) {
            String line = c.line();
            if (line.equals("END")) {
                return;
            }
            String[] w = line.split(" ");
            if (!w[0].equals("VALUE") || w.length != (withCas ? 5 : 4)) {
                throw c.protocol(line);
            }
            try {
                int flags = Integer.parseUnsignedInt(w[2]);
                int length = Integer.parseInt(w[3]);
                long cas = withCas ? Long.parseUnsignedLong(w[4]) : 0;
                sink.accept(w[1], new Value(c.data(length), flags, cas));
            } catch (NumberFormatException e) {
                throw c.protocol(line);
            }
        }
    }

    private String storage(String command, String key, int flags, int exptime, byte[] value, long cas) {
        Objects.requireNonNull(value, "value");
        String header = command + " " + key + " " + Integer.toUnsignedString(flags) + " " + exptime + " " + value.length
                + (command.equals("cas") ? " " + Long.toUnsignedString(cas) : "") + "\r\n";
        return node(key).with(c -> {
            c.write(header);
            c.writeData(value);
            c.flush();
            return expect(c, c.line(), "STORED", "NOT_STORED", "EXISTS", "NOT_FOUND");
        });
    }

    private String simple(String key, String request, String... answers) {
        return node(key).with(c -> {
            c.write(request);
            c.flush();
            return expect(c, c.line(), answers);
        });
    }

    private OptionalLong counter(String command, String key, long delta) {
        return node(key).with(c -> {
            c.write(command + " " + key + " " + Long.toUnsignedString(delta) + "\r\n");
            c.flush();
            String line = c.line();
            if (line.equals("NOT_FOUND")) {
                return OptionalLong.empty();
            }
            try {
                return OptionalLong.of(Long.parseUnsignedLong(line));
            } catch (NumberFormatException e) {
                throw c.protocol(line);
            }
        });
    }

    private static String expect(ClientConnection c, String line, String... answers) {
        for (String a : answers) {
            if (a.equals(line)) {
                return line;
            }
        }
        throw c.protocol(line);
    }

    private ServerNode node(String key) {
        return nodes.get(ring.serverFor(checkKey(key)));
    }

    /** memcached's key rules, checked before anything is sent. */
    static String checkKey(String key) {
        Objects.requireNonNull(key, "key");
        byte[] b = key.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || b.length > Key.MAX_LENGTH) {
            throw new IllegalArgumentException("a memcached key has 1 to " + Key.MAX_LENGTH + " bytes, this one " + b.length);
        }
        for (byte x : b) {
            if (x == ' ' || (x >= 0 && x < ' ') || x == 127) {
                throw new IllegalArgumentException("a memcached key has no spaces or control characters: " + key.strip());
            }
        }
        return key;
    }
}
