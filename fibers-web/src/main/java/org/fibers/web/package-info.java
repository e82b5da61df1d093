/**
 * FiberWebServer: an embeddable HTTP/1.1 server whose handlers run in parallel fibers
 * ({@link org.fibers.web.FiberWebServer}, {@link org.fibers.web.Handler},
 * {@link org.fibers.web.Request}, {@link org.fibers.web.Response}).
 *
 * <p>Why our own parser ({@code org.fibers.web.http1}): the request head is parsed in place
 * over the connection's receive buffer, strictly per RFC 9112 (CR LF only, no obs-fold, no
 * whitespace before a colon, one Host, Content-Length and Transfer-Encoding rules), with the
 * exact refusal statuses the server promises (400, 408, 413, 414, 417, 431, 501, 505), and it
 * hands out the previous request's strings again when a kept-alive client repeats them. The
 * well-kept Java parsers are bound to their servers' buffers and pipelines (Netty's
 * {@code HttpObjectDecoder} to ByteBuf and a channel pipeline, Helidon's to its own data
 * readers) and are lenient by default in places we must refuse; wrapping one would cost a copy
 * of every request into its buffer type and a layer of objects per request.
 */
package org.fibers.web;
