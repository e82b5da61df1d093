package org.fibers.web.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request's body as a stream read lazily from the connection: Content-Length bytes, or the
 * data of a chunked body with its chunk framing removed and its trailer section read and
 * dropped. Reads past the end return -1, so the next pipelined request is never touched. The
 * first read sends {@code 100 Continue} when the client asked for it. Framing errors throw
 * {@link HttpStatusException} (400, or 413 past the body limit) and the connection is closed
 * after its response. Used by the connection's fiber only; reused for each request.
 */
final class RequestBody extends InputStream {
    private static final int NONE = 0;
    private static final int FIXED = 1;
    private static final int CHUNKED = 2;
    /** Longest chunk-size line (with extensions) accepted. */
    private static final int MAX_CHUNK_LINE = 4096;
    /** Reads at least this long go straight into the caller's array when the buffer is empty. */
    private static final int DIRECT_READ = 2048;

    private final ConnectionInput in;
    private final Http1Exchange exchange;
    private final long maxBody;
    private final int maxTrailerBytes;

    private int mode;
    /** FIXED: bytes left; CHUNKED: bytes left in the current chunk. */
    private long remaining;
    /** CHUNKED: a chunk's data was read and its CR LF not yet. */
    private boolean chunkDataEnded;
    private long total;
    private boolean done;
    private boolean failed;

    RequestBody(ConnectionInput in, Http1Exchange exchange, ServerConfig config) {
        this.in = in;
        this.exchange = exchange;
        this.maxBody = config.maxBody();
        this.maxTrailerBytes = config.maxHeaderBytes();
    }

    void reset(RequestHead head) {
        total = 0;
        failed = false;
        chunkDataEnded = false;
        if (head.chunked()) {
            mode = CHUNKED;
            remaining = 0;
            done = false;
        } else if (head.contentLength() > 0) {
            mode = FIXED;
            remaining = head.contentLength();
            done = false;
        } else {
            mode = NONE;
            remaining = 0;
            done = true;
        }
    }

    /** The whole body was read (or there was none). */
    boolean done() {
        return done;
    }

    /** A read failed: the rest of the connection's input cannot be trusted. */
    boolean failed() {
        return failed;
    }

    /** Bytes of body data read so far. */
    long total() {
        return total;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] dst, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, dst.length);
        if (done) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        if (failed) {
            throw new IOException("the request body could not be read");
        }
        try {
            exchange.sendContinueIfExpected();
            if (mode == CHUNKED && remaining == 0 && !nextChunk()) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            n = readData(dst, off, n);
            remaining -= n;
            total += n;
            if (mode == FIXED && remaining == 0) {
                done = true;
            } else if (mode == CHUNKED && remaining == 0) {
                chunkDataEnded = true;
            }
            return n;
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    @Override
    public int available() {
        return done || failed ? 0 : (int) Math.min(in.available(), remaining);
    }

    private int readData(byte[] dst, int off, int n) throws IOException {
        int buffered = in.available();
        if (buffered == 0) {
            if (n >= DIRECT_READ) {
                int r = in.readBodyDirect(dst, off, n);
                if (r < 0) {
                    throw truncated();
                }
                return r;
            }
            in.resetIfEmpty();
            if (in.fillBody() < 0) {
                throw truncated();
            }
            buffered = in.available();
        }
        int k = Math.min(n, buffered);
        System.arraycopy(in.buf, in.pos, dst, off, k);
        in.pos += k;
        return k;
    }

    private EOFException truncated() {
        return new EOFException("connection closed with the request body incomplete");
    }

    /** Reads the next chunk-size line; false at the last chunk (its trailers are then read too). */
    private boolean nextChunk() throws IOException {
        if (chunkDataEnded) {
            int e = lineEnd(2);
            if (e != in.pos + 1) {
                throw new HttpStatusException(400, "chunk data not followed by CR LF");
            }
            in.pos = e + 1;
            chunkDataEnded = false;
        }
        int e = lineEnd(MAX_CHUNK_LINE);
        byte[] b = in.buf;
        int i = in.pos;
        long size = 0;
        int digits = 0;
        for (; i < e - 1; i++) {
            int d = hex(b[i]);
            if (d < 0) {
                break;
            }
            if (++digits > 15) {
                throw new HttpStatusException(413, "chunk size too large");
            }
            size = size * 16 + d;
        }
        if (digits == 0) {
            throw new HttpStatusException(400, "malformed chunk size");
        }
        while (i < e - 1 && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        if (i < e - 1) {
            if (b[i] != ';') {
                throw new HttpStatusException(400, "malformed chunk size line");
            }
            for (; i < e - 1; i++) {
                int c = b[i] & 0xff;
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw new HttpStatusException(400, "a control character in a chunk extension");
                }
            }
        }
        in.pos = e + 1;
        if (total + size > maxBody) {
            throw new HttpStatusException(413, "body larger than " + maxBody + " bytes");
        }
        if (size == 0) {
            readTrailers();
            done = true;
            return false;
        }
        remaining = size;
        return true;
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Reads the trailer section up to its empty line and drops it. */
    private void readTrailers() throws IOException {
        int bytes = 0;
        for (;;) {
            int e = lineEnd(maxTrailerBytes - bytes + 2);
            int len = e + 1 - in.pos;
            if (len == 2) {
                in.pos = e + 1;
                return;
            }
            byte[] b = in.buf;
            int i = in.pos;
            while (i < e - 1 && org.fibers.web.Headers.isTokenChar(b[i])) {
                i++;
            }
            if (i == in.pos || b[i] != ':') {
                throw new HttpStatusException(400, "malformed trailer field");
            }
            bytes += len;
            in.pos = e + 1;
        }
    }

    /**
     * Index of the '\n' ending the line at {@code in.pos}, reading more as needed; the line
     * (CR LF included) may be at most {@code max} bytes and must end in CR LF.
     */
    private int lineEnd(int max) throws IOException {
        int scan = in.pos;
        for (;;) {
            byte[] b = in.buf;
            for (; scan < in.lim; scan++) {
                if (b[scan] == '\n') {
                    if (scan == in.pos || b[scan - 1] != '\r') {
                        throw new HttpStatusException(400, "bare LF where CR LF is required in a chunked body");
                    }
                    for (int k = in.pos; k < scan - 1; k++) {
                        if (b[k] == '\r') {
                            throw new HttpStatusException(400, "CR without LF in a chunked body");
                        }
                    }
                    return scan;
                }
                if (scan + 1 - in.pos > max) {
                    throw new HttpStatusException(max > MAX_CHUNK_LINE ? 431 : 400, "chunk framing line too long");
                }
            }
            int before = in.pos;
            if (in.fillBody() < 0) {
                throw truncated();
            }
            scan -= before - in.pos; // the buffer may have been compacted
        }
    }

    /**
     * Reads and drops what the handler left of the body, so the connection can go on.
     *
     * @return true if the body was consumed; false if it was broken or not worth reading
     */
    boolean skipRest() {
        if (done) {
            return true;
        }
        if (failed) {
            return false;
        }
        byte[] sink = new byte[8192];
        try {
            while (read(sink, 0, sink.length) >= 0) {
                // dropped
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
