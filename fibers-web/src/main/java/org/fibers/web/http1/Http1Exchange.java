package org.fibers.web.http1;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import org.fibers.io.FiberSocket;
import org.fibers.web.Headers;

/**
 * One request and its response on an HTTP/1.1 connection, as the layers above see it: the
 * parsed head, the body as a lazy stream, and two ways to answer — {@link #respond} with a
 * whole body (head and body go out in one write) or {@link #respondStreaming} with a stream
 * (Content-Length or chunked). The exchange adds the framing headers ({@code Content-Length} or
 * {@code Transfer-Encoding}, {@code Connection}) and {@code Date} and {@code Server} unless
 * given; framing headers the handler set are ignored, and a {@code Connection: close} it set
 * closes the connection after this response. So does a server that has begun to close
 * (draining): a response head written after that says {@code Connection: close}, so that the
 * client sends no further request into a closing server. Reused for each request on its
 * connection; used by the connection's fiber only.
 */
public final class Http1Exchange {
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};

    private final FiberSocket socket;
    private final RequestBody body;
    private final byte[] serverLine;
    /** Whether the server has begun to close; asked when a response head is written. */
    private final BooleanSupplier serverDraining;
    private byte[] head = new byte[512];
    private int headLen;
    private byte[] chunk;

    private RequestHead request;
    private boolean keepAlive;
    private boolean responded;
    private boolean continueSent;
    /** The streaming body in use, until it is closed. */
    private BodyOutput stream;
    /** The response was cut short (a fixed-length body not completed, a close-delimited one). */
    private boolean broken;

    Http1Exchange(FiberSocket socket, ConnectionInput in, ServerConfig config, BooleanSupplier serverDraining) {
        this.socket = socket;
        this.serverDraining = serverDraining;
        this.body = new RequestBody(in, this, config);
        this.serverLine = ("Server: " + config.serverName() + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    void begin(RequestHead request, boolean keepAlive) {
        this.request = request;
        this.keepAlive = keepAlive;
        this.responded = false;
        this.continueSent = false;
        this.stream = null;
        this.broken = false;
        body.reset(request);
    }

    /** The request's head. */
    public RequestHead request() {
        return request;
    }

    /** The request body, read lazily from the connection (empty when there is none). */
    public InputStream body() {
        return body;
    }

    /** The client's address. */
    public InetSocketAddress remoteAddress() {
        return socket.remoteAddress();
    }

    /** The server's address of this connection. */
    public InetSocketAddress localAddress() throws IOException {
        return socket.localAddress();
    }

    /** True once a response head was written. */
    public boolean responded() {
        return responded;
    }

    /** Closes the connection after this exchange. */
    public void closeAfterResponse() {
        keepAlive = false;
    }

    /** Sends {@code 100 Continue} if the client waits for it and no response was sent yet. */
    void sendContinueIfExpected() throws IOException {
        if (request.expectContinue() && !continueSent && !responded) {
            continueSent = true;
            socket.write(CONTINUE, 0, CONTINUE.length);
            socket.flush();
        }
    }

    /**
     * Answers with a whole body: one head, one write. For HEAD requests and statuses without
     * a body (1xx, 204, 304) the body is not sent (HEAD still gets its Content-Length).
     *
     * @throws IllegalStateException if a response was sent already
     */
    public void respond(int status, Headers headers, byte[] content, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, content.length);
        boolean allowed = startResponse(status);
        writeHead(status, headers, allowed ? len : -1, false);
        socket.write(head, 0, headLen);
        if (allowed && !request.isHead() && len > 0) {
            socket.write(content, off, len);
        }
    }

    /**
     * Answers with a body written to the returned stream: {@code length >= 0} bytes exactly
     * (Content-Length), or, with a negative {@code length}, chunked for HTTP/1.1 and
     * close-delimited for HTTP/1.0. Closing the stream ends the body; the exchange closes it
     * when the handler did not. For HEAD requests and body-less statuses the stream drops what
     * is written to it.
     */
    public OutputStream respondStreaming(int status, Headers headers, long length) throws IOException {
        boolean allowed = startResponse(status);
        boolean chunked = allowed && length < 0 && request.minorVersion() == 1;
        if (allowed && length < 0 && !chunked) {
            keepAlive = false; // HTTP/1.0: the body ends when the connection does
        }
        writeHead(status, headers, allowed ? length : -1, chunked);
        socket.write(head, 0, headLen);
        if (!allowed || request.isHead()) {
            stream = new BodyOutput(this, BodyOutput.DISCARD, 0);
        } else if (chunked) {
            stream = new BodyOutput(this, BodyOutput.CHUNKED, 0);
        } else if (length >= 0) {
            stream = new BodyOutput(this, BodyOutput.FIXED, length);
        } else {
            stream = new BodyOutput(this, BodyOutput.RAW, 0);
        }
        return stream;
    }

    private boolean startResponse(int status) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("final response status out of range: " + status);
        }
        if (responded) {
            throw new IllegalStateException("a response was already sent for " + request.method() + " " + request.target());
        }
        responded = true;
        if (request.expectContinue() && !continueSent) {
            keepAlive = false; // the client may or may not send the body it announced: its framing is unknown
        }
        return status != 204 && status != 304;
    }

    /** Builds the head in {@link #head}: status line, the handler's headers, ours, framing. */
    private void writeHead(int status, Headers headers, long contentLength, boolean chunked) {
        headLen = 0;
        put(StatusLines.of(status));
        boolean date = false;
        boolean server = false;
        if (headers != null) {
            for (int i = 0, n = headers.size(); i < n; i++) {
                String name = headers.name(i);
                if (name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")) {
                    continue; // we frame the body
                }
                if (name.equalsIgnoreCase("connection")) {
                    if (headers.value(i).toLowerCase(java.util.Locale.ROOT).contains("close")) {
                        keepAlive = false;
                    }
                    continue;
                }
                date |= name.equalsIgnoreCase("date");
                server |= name.equalsIgnoreCase("server");
                putAscii(name);
                put((byte) ':');
                put((byte) ' ');
                putAscii(headers.value(i));
                put(CRLF);
            }
        }
        if (!date) {
            put(DateHeader.line());
        }
        if (!server) {
            put(serverLine);
        }
        if (contentLength >= 0) {
            putAscii("Content-Length: ");
            putDecimal(contentLength);
            put(CRLF);
        } else if (chunked) {
            putAscii("Transfer-Encoding: chunked\r\n");
        }
        if (keepAlive && serverDraining.getAsBoolean()) {
            keepAlive = false; // the server closes: this is the connection's last response
        }
        if (!keepAlive) {
            putAscii("Connection: close\r\n");
        } else if (request.minorVersion() == 0) {
            putAscii("Connection: keep-alive\r\n");
        }
        put(CRLF);
    }

    private void ensure(int more) {
        if (headLen + more > head.length) {
            head = Arrays.copyOf(head, Math.max(head.length * 2, headLen + more));
        }
    }

    private void put(byte b) {
        ensure(1);
        head[headLen++] = b;
    }

    private void put(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, head, headLen, b.length);
        headLen += b.length;
    }

    /** Latin-1 text (header values were checked when added); one byte per char. */
    private void putAscii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            head[headLen + i] = (byte) s.charAt(i);
        }
        headLen += n;
    }

    private void putDecimal(long v) {
        ensure(20);
        if (v == 0) {
            head[headLen++] = '0';
            return;
        }
        int digits = 0;
        for (long t = v; t > 0; t /= 10) {
            digits++;
        }
        for (int i = headLen + digits - 1; i >= headLen; i--) {
            head[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        headLen += digits;
    }

    /** Reading the request body failed (the client went away or broke its framing). */
    boolean bodyFailed() {
        return body.failed();
    }

    // ---------------------------------------------------------------- for BodyOutput

    FiberSocket socket() {
        return socket;
    }

    /** A per-connection buffer for chunked output. */
    byte[] chunkBuffer() {
        if (chunk == null) {
            chunk = new byte[8192];
        }
        return chunk;
    }

    void markBroken() {
        broken = true;
        keepAlive = false;
    }

    void streamClosed(BodyOutput s) {
        if (stream == s) {
            stream = null;
        }
    }

    // ---------------------------------------------------------------- for the connection

    /**
     * Ends the exchange after the handler returned: closes a streaming body left open, and
     * reads what the handler left of the request body.
     *
     * @return true if the connection can serve another request
     */
    boolean finish() throws IOException {
        if (stream != null) {
            stream.close();
        }
        if (!keepAlive || broken) {
            return false;
        }
        if (!body.done()) {
            if (body.failed() || !body.skipRest()) {
                return false;
            }
        }
        return keepAlive;
    }
}
