package org.fibers.web.http1;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.fibers.web.Headers;

/**
 * A strict RFC 9112 request-head parser working in place on a connection's receive buffer.
 * One per connection; it keeps the strings of the last request's target and header fields and
 * hands the same instances out again when the next request repeats their bytes (kept-alive
 * clients mostly do), so a repeated request allocates no strings.
 *
 * <p>The head is parsed in two passes over bytes already received: the first finds the empty
 * line ending it while enforcing the request-line and header-section limits and the CR LF line
 * ends (it resumes where it stopped when more bytes arrive, so a head dribbled in byte by byte
 * costs linear time); the second validates every line and decides the body's framing.
 */
final class RequestParser {
    private final int maxLine;
    private final int maxHeaderBytes;
    private final long maxBody;

    private String lastTarget;
    /** A transfer coding other than chunked was seen in the head being parsed. */
    private boolean unknownCoding;
    private String[] lastNames = new String[16];
    private String[] lastValues = new String[16];

    RequestParser(ServerConfig config) {
        this.maxLine = config.maxRequestLine();
        this.maxHeaderBytes = config.maxHeaderBytes();
        this.maxBody = config.maxBody();
    }

    /**
     * Parses the next request head from {@code in}, reading more as needed; on return
     * {@code in.pos} is just past the head.
     *
     * @return the head, or null when the stream ended before a request began
     * @throws HttpStatusException a request to refuse with that status
     * @throws java.net.SocketTimeoutException the head was not complete within the head timeout
     * @throws EOFException the stream ended inside a head
     */
    RequestHead parse(ConnectionInput in) throws IOException {
        int start = in.pos;
        int scan = start;
        int lineStart = start;
        int requestLineEnd = -1; // index of the request line's '\n'
        boolean timing = false;
        int headEnd;
        outer:
        for (;;) {
            byte[] b = in.buf;
            int lim = in.lim;
            for (; scan < lim; scan++) {
                if (b[scan] != '\n') {
                    continue;
                }
                if (scan == lineStart || b[scan - 1] != '\r') {
                    throw bad("bare LF where CR LF is required");
                }
                boolean empty = scan - lineStart == 1;
                if (requestLineEnd < 0) {
                    if (empty) {
                        start = lineStart = scan + 1; // an empty line before the request line is ignored (RFC 9112 2.2)
                        continue;
                    }
                    if (scan - 1 - start > maxLine) {
                        throw new HttpStatusException(414, "request line longer than " + maxLine + " bytes");
                    }
                    requestLineEnd = scan;
                } else if (empty) {
                    headEnd = scan + 1;
                    break outer;
                }
                if (scan - requestLineEnd > maxHeaderBytes) {
                    throw new HttpStatusException(431, "header section larger than " + maxHeaderBytes + " bytes");
                }
                lineStart = scan + 1;
            }
            if (requestLineEnd < 0 && scan - start > maxLine) {
                throw new HttpStatusException(414, "request line longer than " + maxLine + " bytes");
            }
            if (requestLineEnd >= 0 && scan - requestLineEnd > maxHeaderBytes) {
                throw new HttpStatusException(431, "header section larger than " + maxHeaderBytes + " bytes");
            }
            if (!timing) {
                in.startHead();
                timing = true;
            }
            in.pos = start;
            int moved = in.fillHead(start);
            if (moved < 0) {
                if (start == in.lim) {
                    in.pos = in.lim;
                    return null; // ended between requests
                }
                throw new EOFException("connection closed inside a request head");
            }
            int shift = start - moved;
            start -= shift;
            scan -= shift;
            lineStart -= shift;
            if (requestLineEnd >= 0) {
                requestLineEnd -= shift;
            }
        }
        RequestHead head = parseHead(in.buf, start, requestLineEnd, headEnd);
        in.pos = headEnd;
        return head;
    }

    private RequestHead parseHead(byte[] b, int start, int requestLineEnd, int headEnd) throws HttpStatusException {
        int e = requestLineEnd - 1; // the request line's '\r'
        int i = start;
        while (i < e && Headers.isTokenChar(b[i])) {
            i++;
        }
        if (i == start || i >= e || b[i] != ' ') {
            throw bad("malformed method in the request line");
        }
        String method = method(b, start, i);
        int ts = ++i;
        while (i < e && b[i] > 0x20 && b[i] < 0x7f) {
            i++;
        }
        if (i == ts || i >= e || b[i] != ' ') {
            throw bad("malformed request target");
        }
        int te = i;
        int minor = version(b, te + 1, e);
        String target = target(b, ts, te);
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String rawQuery = q < 0 ? null : target.substring(q + 1);
        if (target.indexOf('#') >= 0) {
            throw bad("a fragment in the request target");
        }
        if (path.isEmpty() || path.charAt(0) != '/') {
            path = nonOriginPath(method, path);
        }

        Headers headers = Headers.parsed(8);
        long contentLength = -1;
        boolean chunked = false;
        boolean transferEncoding = false;
        unknownCoding = false;
        boolean close = false;
        boolean keepAliveToken = false;
        boolean expectContinue = false;
        int hosts = 0;
        int index = 0;
        int ls = requestLineEnd + 1;
        while (ls < headEnd - 2) {
            int le = ls;
            while (b[le] != '\r') {
                le++;
            }
            if (b[le + 1] != '\n') {
                throw bad("CR without LF in a header line");
            }
            if (b[ls] == ' ' || b[ls] == '\t') {
                throw bad("obsolete line folding or whitespace before a header name");
            }
            int ne = ls;
            while (ne < le && Headers.isTokenChar(b[ne])) {
                ne++;
            }
            if (ne == ls || ne == le || b[ne] != ':') {
                throw bad(ne < le && (b[ne] == ' ' || b[ne] == '\t') ? "whitespace before the colon of a header"
                        : "a character not allowed in a header name");
            }
            int vs = ne + 1;
            while (vs < le && (b[vs] == ' ' || b[vs] == '\t')) {
                vs++;
            }
            int ve = le;
            while (ve > vs && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
                ve--;
            }
            for (int k = vs; k < ve; k++) {
                int c = b[k] & 0xff;
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw bad("a control character in a header value");
                }
            }
            int nl = ne - ls;
            if (is(b, ls, nl, "content-length")) {
                long v = contentLength(b, vs, ve);
                if (contentLength >= 0 && contentLength != v) {
                    throw bad("conflicting Content-Length values");
                }
                contentLength = v;
            } else if (is(b, ls, nl, "transfer-encoding")) {
                transferEncoding = true;
                chunked = transferCodings(b, vs, ve, chunked);
            } else if (is(b, ls, nl, "host")) {
                hosts++;
            } else if (is(b, ls, nl, "connection")) {
                close |= hasToken(b, vs, ve, "close");
                keepAliveToken |= hasToken(b, vs, ve, "keep-alive");
            } else if (is(b, ls, nl, "expect")) {
                if (!is(b, vs, ve - vs, "100-continue")) {
                    throw new HttpStatusException(417, "unsupported expectation");
                }
                expectContinue = minor == 1;
            }
            headers.add(name(index, b, ls, nl), value(index, b, vs, ve - vs));
            index++;
            ls = le + 2;
        }
        if (minor == 1 && hosts != 1) {
            throw bad(hosts == 0 ? "no Host header in an HTTP/1.1 request" : "more than one Host header");
        }
        if (transferEncoding) {
            if (minor == 0) {
                throw bad("Transfer-Encoding in an HTTP/1.0 request");
            }
            if (contentLength >= 0) {
                throw bad("both Transfer-Encoding and Content-Length");
            }
            if (!chunked) {
                throw bad("the last transfer coding is not chunked");
            }
            if (unknownCoding) {
                throw new HttpStatusException(501, "transfer coding not implemented");
            }
        } else if (contentLength > maxBody) {
            throw new HttpStatusException(413, "body larger than " + maxBody + " bytes");
        }
        boolean keepAlive = !close && (minor == 1 || keepAliveToken);
        return new RequestHead(method, target, path, rawQuery, minor, headers,
                transferEncoding ? -1 : contentLength, chunked, keepAlive, expectContinue);
    }

    /** The path of an asterisk-, absolute- or authority-form target. */
    private static String nonOriginPath(String method, String target) throws HttpStatusException {
        if (target.equals("*")) {
            if (!method.equals("OPTIONS")) {
                throw bad("an asterisk target outside OPTIONS");
            }
            return "*";
        }
        int scheme = target.indexOf("://");
        if (scheme > 0) {
            String s = target.substring(0, scheme);
            if (s.equalsIgnoreCase("http") || s.equalsIgnoreCase("https")) {
                int slash = target.indexOf('/', scheme + 3);
                int query = target.indexOf('?', scheme + 3);
                if (slash < 0 || (query >= 0 && query < slash)) {
                    return "/";
                }
                return query < 0 ? target.substring(slash) : target.substring(slash, query);
            }
        }
        if (method.equals("CONNECT")) {
            return target;
        }
        throw bad("a request target that is neither a path nor an absolute URI");
    }

    /** 1 for HTTP/1.1, 0 for HTTP/1.0; 505 for another well-formed version, else 400. */
    private static int version(byte[] b, int s, int e) throws HttpStatusException {
        if (e - s != 8 || b[s] != 'H' || b[s + 1] != 'T' || b[s + 2] != 'T' || b[s + 3] != 'P' || b[s + 4] != '/'
                || !digit(b[s + 5]) || b[s + 6] != '.' || !digit(b[s + 7])) {
            throw bad("malformed HTTP version");
        }
        if (b[s + 5] == '1' && (b[s + 7] == '1' || b[s + 7] == '0')) {
            return b[s + 7] - '0';
        }
        throw new HttpStatusException(505, "HTTP version not supported");
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    private long contentLength(byte[] b, int s, int e) throws HttpStatusException {
        long value = -1;
        int i = s;
        // a list of identical values is one value (RFC 9110 8.6)
        for (;;) {
            int ds = i;
            long v = 0;
            while (i < e && digit(b[i])) {
                v = v > Long.MAX_VALUE / 10 - 10 ? Long.MAX_VALUE : v * 10 + (b[i] - '0');
                i++;
            }
            if (i == ds) {
                throw bad("invalid Content-Length");
            }
            if (value >= 0 && value != v) {
                throw bad("conflicting Content-Length values");
            }
            value = v;
            while (i < e && (b[i] == ' ' || b[i] == '\t')) {
                i++;
            }
            if (i == e) {
                return value;
            }
            if (b[i] != ',') {
                throw bad("invalid Content-Length");
            }
            i++;
            while (i < e && (b[i] == ' ' || b[i] == '\t')) {
                i++;
            }
        }
    }

    /**
     * Checks one Transfer-Encoding field's codings, given whether chunked was already applied
     * by an earlier field; returns whether the last coding so far is chunked.
     */
    private boolean transferCodings(byte[] b, int s, int e, boolean chunkedSoFar) throws HttpStatusException {
        boolean lastChunked = chunkedSoFar;
        int i = s;
        while (i < e) {
            while (i < e && (b[i] == ' ' || b[i] == '\t' || b[i] == ',')) {
                i++;
            }
            int cs = i;
            while (i < e && b[i] != ',' && b[i] != ';' && b[i] != ' ' && b[i] != '\t') {
                i++;
            }
            int ce = i;
            while (i < e && b[i] != ',') {
                i++; // parameters of a coding: none is known, the coding decides
            }
            if (ce == cs) {
                continue;
            }
            if (lastChunked) {
                throw bad("a transfer coding applied after chunked");
            }
            if (is(b, cs, ce - cs, "chunked")) {
                lastChunked = true;
            } else if (isTokenRun(b, cs, ce)) {
                unknownCoding = true; // 501 if the codings end in chunked, else 400
            } else {
                throw bad("malformed Transfer-Encoding");
            }
        }
        return lastChunked;
    }

    private static boolean isTokenRun(byte[] b, int s, int e) {
        for (int i = s; i < e; i++) {
            if (!Headers.isTokenChar(b[i])) {
                return false;
            }
        }
        return true;
    }

    /** True if the comma-separated list in [s, e) holds {@code token} (any case). */
    private static boolean hasToken(byte[] b, int s, int e, String token) {
        int i = s;
        while (i < e) {
            while (i < e && (b[i] == ' ' || b[i] == '\t' || b[i] == ',')) {
                i++;
            }
            int ts = i;
            while (i < e && b[i] != ',' && b[i] != ' ' && b[i] != '\t') {
                i++;
            }
            if (is(b, ts, i - ts, token)) {
                return true;
            }
        }
        return false;
    }

    /** True if bytes [s, s+len) spell {@code lower} (ASCII, any case). */
    static boolean is(byte[] b, int s, int len, String lower) {
        if (len != lower.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            int c = b[s + i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"};

    private static String method(byte[] b, int s, int e) {
        for (String m : METHODS) {
            if (same(m, b, s, e - s)) {
                return m;
            }
        }
        return new String(b, s, e - s, StandardCharsets.ISO_8859_1);
    }

    private String target(byte[] b, int s, int e) {
        String t = lastTarget;
        if (t == null || !same(t, b, s, e - s)) {
            t = lastTarget = new String(b, s, e - s, StandardCharsets.ISO_8859_1);
        }
        return t;
    }

    private String name(int index, byte[] b, int s, int len) {
        if (index >= lastNames.length) {
            lastNames = Arrays.copyOf(lastNames, index * 2);
            lastValues = Arrays.copyOf(lastValues, index * 2);
        }
        String n = lastNames[index];
        if (n == null || !same(n, b, s, len)) {
            n = lastNames[index] = new String(b, s, len, StandardCharsets.ISO_8859_1);
        }
        return n;
    }

    private String value(int index, byte[] b, int s, int len) {
        String v = lastValues[index];
        if (v == null || !same(v, b, s, len)) {
            v = lastValues[index] = new String(b, s, len, StandardCharsets.ISO_8859_1);
        }
        return v;
    }

    /** True if {@code s} is exactly the Latin-1 decoding of bytes [off, off+len). */
    private static boolean same(String s, byte[] b, int off, int len) {
        if (s.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) != (b[off + i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    private static HttpStatusException bad(String reason) {
        return new HttpStatusException(400, reason);
    }
}
