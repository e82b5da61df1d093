package org.fibers.web.http1;

import org.fibers.web.Headers;

/**
 * A parsed and validated request line and header section, with the framing decided from them.
 *
 * @param method the method token (the common ones are shared constants)
 * @param target the request target as sent
 * @param path the target's path (before any '?'), not decoded; "*" for an asterisk-form target
 * @param rawQuery the target's query (after the first '?'), not decoded, or null
 * @param minorVersion 0 for HTTP/1.0, 1 for HTTP/1.1
 * @param headers the header fields
 * @param contentLength the body length from Content-Length, or -1 when there is none
 * @param chunked true when the body is chunked
 * @param keepAlive true when the client lets the connection stay open after this exchange
 * @param expectContinue true when the client waits for 100 Continue before it sends the body
 */
public record RequestHead(String method, String target, String path, String rawQuery, int minorVersion,
        Headers headers, long contentLength, boolean chunked, boolean keepAlive, boolean expectContinue) {

    /** True for a body-less HEAD request's response. */
    public boolean isHead() {
        return "HEAD".equals(method);
    }

    /** True when a body follows the head. */
    public boolean hasBody() {
        return chunked || contentLength > 0;
    }

    /** "HTTP/1.1" or "HTTP/1.0". */
    public String protocol() {
        return minorVersion == 1 ? "HTTP/1.1" : "HTTP/1.0";
    }
}
