package org.fibers.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fibers.web.http1.Http1Exchange;
import org.fibers.web.http1.RequestHead;

/**
 * An HTTP request as a handler sees it: method, target, path, decoded query parameters,
 * headers (case-insensitive lookup), the client's address, and the body, read lazily from the
 * connection as bytes, a string or a stream. Valid while its handler runs; the body can be
 * read once.
 */
public final class Request {
    private final RequestHead head;
    private final Http1Exchange exchange;
    private Map<String, List<String>> query;

    Request(Http1Exchange exchange) {
        this.exchange = exchange;
        this.head = exchange.request();
    }

    /** {@return the method, such as GET} */
    public String method() {
        return head.method();
    }

    /** {@return the request target as sent, such as {@code /search?q=fibers}} */
    public String target() {
        return head.target();
    }

    /** {@return the target's path, not decoded} */
    public String path() {
        return head.path();
    }

    /** {@return the target's query as sent (not decoded), or null} */
    public String rawQuery() {
        return head.rawQuery();
    }

    /** {@return "HTTP/1.1" or "HTTP/1.0"} */
    public String protocol() {
        return head.protocol();
    }

    /** {@return the header fields} */
    public Headers headers() {
        return head.headers();
    }

    /**
     * The first value of header {@code name} (any case), or null.
     *
     * @param name the field name, in any case
     * @return its first value, or null when absent
     */
    public String header(String name) {
        return head.headers().first(name);
    }

    /** {@return the client's address} */
    public InetSocketAddress remoteAddress() {
        return exchange.remoteAddress();
    }

    /** {@return query parameters, percent- and '+'-decoded as UTF-8, in order} */
    public Map<String, List<String>> query() {
        Map<String, List<String>> q = query;
        if (q == null) {
            q = new LinkedHashMap<>();
            String raw = head.rawQuery();
            if (raw != null && !raw.isEmpty()) {
                for (String pair : raw.split("&")) {
                    if (pair.isEmpty()) {
                        continue;
                    }
                    int eq = pair.indexOf('=');
                    String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                    String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                    q.computeIfAbsent(k, x -> new ArrayList<>(1)).add(v);
                }
            }
            query = q;
        }
        return q;
    }

    /**
     * The first value of query parameter {@code name}, or null.
     *
     * @param name the decoded parameter name
     * @return its first decoded value (empty for {@code ?flag}), or null when absent
     */
    public String queryParam(String name) {
        List<String> v = query().get(name);
        return v == null ? null : v.get(0);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a malformed escape: keep it as sent
        }
    }

    /**
     * The body as a stream read lazily from the connection (sends 100 Continue when the client
     * waits for it).
     *
     * @return the body stream; it ends where the request's body ends (Content-Length or chunked)
     */
    public InputStream body() {
        return exchange.body();
    }

    /**
     * The whole body (at most the server's body limit).
     *
     * @return the body's bytes; empty when the request has none
     * @throws IOException if the client sent a malformed or too large body, went away, or timed out
     */
    public byte[] bodyBytes() throws IOException {
        long len = head.contentLength();
        InputStream in = exchange.body();
        if (len >= 0) {
            byte[] b = new byte[(int) len];
            int off = 0;
            while (off < b.length) {
                int n = in.read(b, off, b.length - off);
                if (n < 0) {
                    throw new java.io.EOFException("request body ended early");
                }
                off += n;
            }
            return b;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    /**
     * The whole body decoded with the Content-Type's charset (UTF-8 when it names none).
     *
     * @return the body as text
     * @throws IOException if the client sent a malformed or too large body, went away, or timed out
     * @throws java.io.UncheckedIOException if the Content-Type names an unknown charset
     */
    public String bodyString() throws IOException {
        return new String(bodyBytes(), charset());
    }

    private Charset charset() {
        String ct = header("Content-Type");
        if (ct != null) {
            int i = ct.toLowerCase(java.util.Locale.ROOT).indexOf("charset=");
            if (i >= 0) {
                String name = ct.substring(i + 8).split("[;\\s]")[0].replace("\"", "");
                try {
                    return Charset.forName(name);
                } catch (RuntimeException e) {
                    throw new UncheckedIOException(new IOException("unknown charset " + name));
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    @Override
    public String toString() {
        return method() + " " + target() + " from " + remoteAddress();
    }
}
