package org.fibers.examples.memcached;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * A {@link MemcachedClient} operation that did not complete: which server, and why
 * ({@link #kind()}). Unchecked, so client calls fit in lambdas.
 */
public final class MemcachedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why an operation failed. */
    public enum Kind {
        /**
         * The server is marked down: a connection to it failed recently, and it is not tried
         * again before the client's retry delay has passed. Nothing was sent.
         */
        SERVER_DOWN,
        /** No reply within the client's timeout; the request may or may not have been applied. */
        TIMEOUT,
        /** The connection broke mid-request; the request may or may not have been applied. */
        IO,
        /** The server answered {@code ERROR}, {@code CLIENT_ERROR ...} or {@code SERVER_ERROR ...}. */
        SERVER_REPLY,
        /** The server's reply does not follow the protocol. */
        PROTOCOL,
        /** Every connection to the server stayed busy for the whole timeout. */
        POOL_EXHAUSTED
    }

    private final transient InetSocketAddress server;
    /** Why it failed (serialized; the server and the partial hits are not). */
    private final Kind kind;
    private final transient Map<String, byte[]> partial;

    MemcachedException(Kind kind, InetSocketAddress server, String message, Throwable cause) {
        this(kind, server, message, cause, Map.of());
    }

    MemcachedException(Kind kind, InetSocketAddress server, String message, Throwable cause, Map<String, byte[]> partial) {
        super(message + " (memcached " + server + ", " + kind + ")", cause);
        this.kind = kind;
        this.server = server;
        this.partial = Map.copyOf(partial);
    }

    /** This failure with the values {@link MemcachedClient#getMulti} read from the other servers. */
    MemcachedException withPartial(Map<String, byte[]> values) {
        MemcachedException e = new MemcachedException(kind, server, baseMessage(), getCause(), values);
        for (Throwable s : getSuppressed()) {
            e.addSuppressed(s);
        }
        return e;
    }

    private String baseMessage() {
        String m = getMessage();
        return m.substring(0, m.lastIndexOf(" (memcached "));
    }

    /**
     * Why it failed.
     *
     * @return the kind of failure
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The server concerned.
     *
     * @return the server's address; null after deserialization
     */
    public InetSocketAddress server() {
        return server;
    }

    /**
     * For a failed {@link MemcachedClient#getMulti}: the hits read from the servers that did
     * answer; otherwise empty.
     *
     * @return the hits by key; empty when there are none
     */
    public Map<String, byte[]> partial() {
        return partial;
    }

    /**
     * For {@link Kind#SERVER_REPLY}: the server's line, such as {@code SERVER_ERROR object too
     * large for cache}.
     *
     * @return the line, without the server's name; null for the other kinds
     */
    public String serverReply() {
        return kind == Kind.SERVER_REPLY ? baseMessage() : null;
    }
}
