package org.fibers.examples.memcached;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.fibers.io.FiberSocket;

/**
 * One client connection to one memcached server: request bytes out, reply lines and data
 * blocks in, every failure turned into a {@link MemcachedException} naming the server. Used by
 * one caller at a time (the {@link ServerNode} pool hands it out); after any exception it is
 * closed, since the reply stream may be out of step with the requests.
 */
final class ClientConnection implements AutoCloseable {
    private final FiberSocket socket;
    private final InetSocketAddress server;
    private boolean broken;

    ClientConnection(FiberSocket socket, InetSocketAddress server, Duration timeout) {
        this.socket = socket;
        this.server = server;
        socket.setReadTimeout(timeout);
    }

    /** Queues request text (ASCII); sent by {@link #flush()}. */
    void write(String text) {
        try {
            socket.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw fail(e);
        }
    }

    /** Queues a data block and its {@code \r\n}. */
    void writeData(byte[] data) {
        try {
            socket.write(data);
            socket.write(CRLF);
        } catch (IOException e) {
            throw fail(e);
        }
    }

    void flush() {
        try {
            socket.flush();
        } catch (IOException e) {
            throw fail(e);
        }
    }

    /**
     * The next reply line without its {@code \r\n}. An error reply ({@code ERROR},
     * {@code CLIENT_ERROR}, {@code SERVER_ERROR}) becomes a {@link MemcachedException} of kind
     * {@link MemcachedException.Kind#SERVER_REPLY}.
     */
    String line() {
        String l;
        try {
            l = socket.readLine();
        } catch (IOException e) {
            throw fail(e);
        }
        if (l == null) {
            throw fail(new EOFException("connection closed by the server"));
        }
        if (!l.endsWith("\r")) {
            throw protocol("reply line not ended by \\r\\n: " + l);
        }
        l = l.substring(0, l.length() - 1);
        if (l.equals("ERROR") || l.startsWith("CLIENT_ERROR") || l.startsWith("SERVER_ERROR")) {
            broken = true;
            throw new MemcachedException(MemcachedException.Kind.SERVER_REPLY, server, l, null);
        }
        return l;
    }

    /** A data block of {@code length} bytes and its {@code \r\n}. */
    byte[] data(int length) {
        byte[] b = new byte[length];
        byte[] end = new byte[2];
        try {
            socket.readFully(b, 0, length);
            socket.readFully(end, 0, 2);
        } catch (IOException e) {
            throw fail(e);
        }
        if (end[0] != '\r' || end[1] != '\n') {
            throw protocol("data block not ended by \\r\\n");
        }
        return b;
    }

    /** A reply that breaks the protocol; closes the connection. */
    MemcachedException protocol(String what) {
        broken = true;
        return new MemcachedException(MemcachedException.Kind.PROTOCOL, server, "unexpected reply: " + what, null);
    }

    /** True once an exception has left this connection out of step: it must be closed, not reused. */
    boolean broken() {
        return broken;
    }

    private MemcachedException fail(IOException e) {
        broken = true;
        if (e instanceof SocketTimeoutException) {
            return new MemcachedException(MemcachedException.Kind.TIMEOUT, server, "no reply in time", e);
        }
        return new MemcachedException(MemcachedException.Kind.IO, server, "connection failed: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        socket.close();
    }

    private static final byte[] CRLF = {'\r', '\n'};
}
