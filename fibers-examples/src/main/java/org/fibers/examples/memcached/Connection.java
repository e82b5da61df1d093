package org.fibers.examples.memcached;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.fibers.FiberCancelledException;
import org.fibers.io.FiberSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: its read buffer, its framing (command lines, data blocks, swallowed
 * values) and its output helpers. Everything in this class runs in the connection's own fiber;
 * only the shared {@link Store} and {@link ServerStats} are touched by others.
 *
 * <p>Framing follows memcached 1.6: a line ends at {@code \n} (a {@code \r} before it is
 * dropped). When more than 2048 bytes have arrived without a newline, the connection is closed
 * unless the line starts with {@code get } or {@code gets } (a long multi-get), which may grow
 * to {@link #MAX_GET_LINE} bytes. Replies are buffered and flushed only when the input holds
 * no further complete command, so pipelined requests cost one write.
 */
final class Connection {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    /** memcached's limit for a line that is not a multi-get. */
    static final int MAX_LINE = 2048;
    /** Our limit for a multi-get line (memcached has none; we keep memory bounded). */
    static final int MAX_GET_LINE = 256 * 1024;
    private static final int BUFFER = 16 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    final FiberSocket socket;
    final MemcachedServer server;
    private final TextCommands text;
    private final MetaCommands meta;

    /** Input bytes [pos, lim) not consumed yet. */
    private byte[] in = new byte[BUFFER];
    private int pos;
    private int lim;
    /** Where the search for the next newline resumes (bytes before it hold none). */
    private int scanned;
    /** Scratch space for reply headers. */
    final byte[] scratch = new byte[1024];
    private long bytesRead;
    private long bytesWritten;

    Connection(FiberSocket socket, MemcachedServer server) {
        this.socket = socket;
        this.server = server;
        this.text = new TextCommands(this);
        this.meta = new MetaCommands(this);
    }

    /** The connection loop: reads commands and answers them until the client leaves or must go. */
    void run() {
        try {
            for (;;) {
                int nl = findNewline();
                if (nl < 0) {
                    if (!lineMayGrow() || !fill()) {
                        return;
                    }
                    continue;
                }
                int start = pos;
                int end = nl > start && in[nl - 1] == '\r' ? nl - 1 : nl;
                pos = nl + 1;
                scanned = pos;
                boolean keepGoing = isMeta(start, end) ? meta.execute(in, start, end) : text.execute(in, start, end);
                if (!keepGoing) {
                    flush();
                    return;
                }
            }
        } catch (IOException e) {
            LOG.debug("connection from {} ended: {}", socket.remoteAddress(), e.toString());
        } catch (FiberCancelledException e) {
            LOG.debug("connection from {} closed: the server is shutting down", socket.remoteAddress());
        } catch (RuntimeException | Error e) {
            LOG.error("connection from {} failed; closing it", socket.remoteAddress(), e);
        } finally {
            socket.close();
            countBytes();
        }
    }

    /** Meta commands are two letters starting with 'm'. */
    private boolean isMeta(int start, int end) {
        return end - start >= 2 && in[start] == 'm' && (end - start == 2 || in[start + 2] == ' ');
    }

    private int findNewline() {
        for (int i = scanned; i < lim; i++) {
            if (in[i] == '\n') {
                return i;
            }
        }
        scanned = lim;
        return -1;
    }

    /** memcached's rule for a line without a newline yet; false means close the connection. */
    private boolean lineMayGrow() throws IOException {
        int length = lim - pos;
        if (length <= MAX_LINE) {
            return true;
        }
        int p = pos;
        while (p < lim && in[p] == ' ') {
            p++;
        }
        boolean multiGet = p - pos <= 100 && (startsWith(p, "get ") || startsWith(p, "gets "));
        if (!multiGet) {
            LOG.debug("closing {}: {} bytes without a newline", socket.remoteAddress(), length);
            return false;
        }
        if (length > MAX_GET_LINE) {
            reply("CLIENT_ERROR line too long");
            flush();
            return false;
        }
        return true;
    }

    private boolean startsWith(int p, String s) {
        if (lim - p < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (in[p + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Reads more input after the unconsumed bytes; false at end of stream. */
    private boolean fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(in, pos, in, 0, lim - pos);
            lim -= pos;
            scanned -= pos;
            pos = 0;
        }
        if (lim == in.length) {
            in = Arrays.copyOf(in, Math.min(in.length * 2, MAX_GET_LINE + BUFFER));
        }
        int n = readSome(in, lim, in.length - lim);
        if (n < 0) {
            return false;
        }
        lim += n;
        return true;
    }

    /** Reads at least one byte into dst, flushing our replies first if the read may wait. */
    private int readSome(byte[] dst, int off, int len) throws IOException {
        if (socket.available() == 0) {
            flush();
        }
        int n = socket.read(dst, off, len);
        if (n > 0) {
            bytesRead += n;
        }
        return n;
    }

    /**
     * Reads a data block of {@code dst.length} bytes and its {@code \r\n}. Returns false if the
     * two bytes after the data are something else (memcached's bad data chunk: they are
     * consumed all the same).
     *
     * @throws java.io.EOFException if the client leaves before sending it all
     */
    boolean readBlock(byte[] dst) throws IOException {
        int done = Math.min(dst.length, lim - pos);
        System.arraycopy(in, pos, dst, 0, done);
        pos += done;
        while (done < dst.length) {
            int n = readSome(dst, done, dst.length - done);
            if (n < 0) {
                throw new java.io.EOFException("client left in the middle of a data block");
            }
            done += n;
        }
        boolean terminated = nextByte() == '\r';
        terminated &= nextByte() == '\n';
        scanned = pos;
        return terminated;
    }

    private int nextByte() throws IOException {
        while (pos == lim) {
            if (!fill()) {
                throw new java.io.EOFException("client left in the middle of a data block");
            }
        }
        return in[pos++];
    }

    /** Discards {@code n} input bytes (a value we refuse) without buffering them. */
    void swallow(long n) throws IOException {
        long fromBuffer = Math.min(n, lim - pos);
        pos += (int) fromBuffer;
        n -= fromBuffer;
        byte[] sink = n > 0 ? new byte[(int) Math.min(n, BUFFER)] : null;
        while (n > 0) {
            int r = readSome(sink, 0, (int) Math.min(n, sink.length));
            if (r < 0) {
                throw new java.io.EOFException("client left while its value was being skipped");
            }
            n -= r;
        }
        scanned = pos;
    }

    /** Buffers {@code len} bytes of reply. */
    void write(byte[] b, int off, int len) throws IOException {
        socket.write(b, off, len);
        bytesWritten += len;
    }

    /** Buffers {@code b} whole. */
    void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    /** Buffers {@code \r\n}. */
    void crlf() throws IOException {
        write(CRLF, 0, 2);
    }

    /** Buffers an ASCII reply line and its {@code \r\n}. */
    void reply(String line) throws IOException {
        write(line.getBytes(StandardCharsets.ISO_8859_1));
        crlf();
    }

    /** Sends what is buffered. */
    void flush() throws IOException {
        socket.flush();
        countBytes();
    }

    private void countBytes() {
        if (bytesRead != 0) {
            server.stats.bytesRead.add(bytesRead);
            bytesRead = 0;
        }
        if (bytesWritten != 0) {
            server.stats.bytesWritten.add(bytesWritten);
            bytesWritten = 0;
        }
    }
}
