package org.fibers.web.http1;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.fibers.io.FiberSocket;

/**
 * A streaming response body: exactly N bytes (Content-Length), chunks (gathered in a
 * per-connection buffer so small writes do not make small chunks), bytes until the connection
 * closes (HTTP/1.0), or nothing (HEAD, 204, 304). {@link #flush()} sends what was written so
 * far; {@link #close()} ends the body (the last chunk for chunked) and is idempotent. Closing a
 * fixed-length body before all its bytes were written breaks the connection, which is then
 * closed: the client sees a truncated response rather than a wrong one.
 */
final class BodyOutput extends OutputStream {
    static final int FIXED = 0;
    static final int CHUNKED = 1;
    static final int RAW = 2;
    static final int DISCARD = 3;
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Http1Exchange exchange;
    private final FiberSocket socket;
    private final int mode;
    private long remaining;
    private byte[] chunk;
    private int chunked;
    private boolean closed;

    BodyOutput(Http1Exchange exchange, int mode, long length) {
        this.exchange = exchange;
        this.socket = exchange.socket();
        this.mode = mode;
        this.remaining = length;
        if (mode == CHUNKED) {
            chunk = exchange.chunkBuffer();
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("response body already closed");
        }
        switch (mode) {
            case FIXED -> {
                if (len > remaining) {
                    throw new IOException("response body longer than its Content-Length: " + len
                            + " bytes written with " + remaining + " left");
                }
                remaining -= len;
                socket.write(b, off, len);
            }
            case CHUNKED -> {
                if (chunked + len <= chunk.length) {
                    System.arraycopy(b, off, chunk, chunked, len);
                    chunked += len;
                } else {
                    emitChunk(chunk, 0, chunked);
                    chunked = 0;
                    if (len >= chunk.length) {
                        emitChunk(b, off, len);
                    } else {
                        System.arraycopy(b, off, chunk, 0, len);
                        chunked = len;
                    }
                }
            }
            case RAW -> socket.write(b, off, len);
            default -> {
                // HEAD or a body-less status: dropped
            }
        }
    }

    private void emitChunk(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        socket.write(Integer.toHexString(len).getBytes(StandardCharsets.US_ASCII));
        socket.write('\r');
        socket.write('\n');
        socket.write(b, off, len);
        socket.write('\r');
        socket.write('\n');
    }

    @Override
    public void flush() throws IOException {
        if (closed) {
            return;
        }
        if (mode == CHUNKED) {
            emitChunk(chunk, 0, chunked);
            chunked = 0;
        }
        socket.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        exchange.streamClosed(this);
        switch (mode) {
            case FIXED -> {
                if (remaining > 0) {
                    exchange.markBroken();
                }
            }
            case CHUNKED -> {
                emitChunk(chunk, 0, chunked);
                chunked = 0;
                socket.write(LAST_CHUNK);
            }
            case RAW -> exchange.markBroken();
            default -> {
                // nothing was sent
            }
        }
    }
}
