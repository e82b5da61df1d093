package org.fibers.examples.memcached;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Ketama consistent hashing, point for point the ring of spymemcached's
 * {@code KetamaNodeLocator} with its {@code KETAMA_HASH}: 160 points per server, four taken from
 * each MD5 digest of {@code "<server>-<i>"} (i from 0 to 39), a key going to the first point at
 * or after the first four bytes (little-endian) of its own MD5 digest, wrapping at the top.
 * Given the same server list, a key lands on the same server here as in spymemcached; removing
 * one of n servers moves only the keys that server held (about 1/n of them).
 *
 * <p>Immutable and thread-safe.
 */
public final class Ketama {
    /** Points on the ring per server (spymemcached's {@code getNodeRepetitions()}). */
    public static final int POINTS_PER_SERVER = 160;

    /** How a server is named when its points are hashed: spymemcached's two formats. */
    public enum NodeNaming {
        /**
         * spymemcached's default: the address as {@code String.valueOf} prints it, without a
         * leading {@code /} (so {@code 127.0.0.1:11211}, or {@code host/10.0.0.1:11211}).
         */
        SPYMEMCACHED,
        /**
         * libmemcached's: the host name, with {@code :port} only when the port is not 11211.
         */
        LIBMEMCACHED
    }

    private final List<InetSocketAddress> servers;
    private final TreeMap<Long, InetSocketAddress> ring = new TreeMap<>();

    /**
     * A ring over {@code servers} with spymemcached's default naming.
     *
     * @param servers the servers, at least one, none twice
     * @throws IllegalArgumentException if the list is empty or names a server twice
     */
    public Ketama(List<InetSocketAddress> servers) {
        this(servers, NodeNaming.SPYMEMCACHED);
    }

    /**
     * A ring over {@code servers}, in that order (two servers whose points collide: the later
     * one wins, as in spymemcached).
     *
     * @param servers the servers, at least one, none twice
     * @param naming how each server is named when its points are hashed
     * @throws IllegalArgumentException if the list is empty or names a server twice
     */
    public Ketama(List<InetSocketAddress> servers, NodeNaming naming) {
        Objects.requireNonNull(naming, "naming");
        this.servers = List.copyOf(servers);
        if (this.servers.isEmpty()) {
            throw new IllegalArgumentException("no memcached servers given");
        }
        if (Set.copyOf(this.servers).size() != this.servers.size()) {
            throw new IllegalArgumentException("a server is listed twice: " + servers);
        }
        for (InetSocketAddress server : this.servers) {
            String name = name(server, naming);
            for (int i = 0; i < POINTS_PER_SERVER / 4; i++) {
                byte[] d = md5(name + "-" + i);
                for (int h = 0; h < 4; h++) {
                    ring.put(word(d, h), server);
                }
            }
        }
    }

    /**
     * The servers, in the order given.
     *
     * @return the servers, unmodifiable
     */
    public List<InetSocketAddress> servers() {
        return servers;
    }

    /**
     * The server that holds {@code key}.
     *
     * @param key a memcached key
     * @return the server of the first point at or after the key's hash on the ring (wrapping
     *         around)
     */
    public InetSocketAddress serverFor(String key) {
        Map.Entry<Long, InetSocketAddress> e = ring.ceilingEntry(hash(key));
        return (e != null ? e : ring.firstEntry()).getValue();
    }

    /** The key's position on the ring: the first four bytes of its MD5, little-endian, unsigned. */
    static long hash(String key) {
        return word(md5(key), 0);
    }

    static String name(InetSocketAddress server, NodeNaming naming) {
        return switch (naming) {
            case SPYMEMCACHED -> {
                String s = String.valueOf(server);
                yield s.startsWith("/") ? s.substring(1) : s;
            }
            case LIBMEMCACHED -> server.getPort() == 11211 ? server.getHostName() : server.getHostName() + ":" + server.getPort();
        };
    }

    /** Bytes {@code 4h..4h+3} of {@code d} as an unsigned little-endian 32-bit number. */
    private static long word(byte[] d, int h) {
        return ((long) (d[3 + h * 4] & 0xFF) << 24)
                | ((long) (d[2 + h * 4] & 0xFF) << 16)
                | ((long) (d[1 + h * 4] & 0xFF) << 8)
                | (d[h * 4] & 0xFF);
    }

    private static byte[] md5(String s) {
        try {
            return MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no MD5, which every Java platform must provide", e);
        }
    }
}
