/**
 * The HTTP/1.1 engine under {@code FiberWebServer} and the {@code HttpServer} provider: the
 * strict request-head parser, request-body framing (Content-Length, chunked), response
 * framing, connections and the acceptor with its graceful close. Public only for the layers of
 * this module; not an API. It is left out of the published javadoc and of its doclint check
 * ({@code fibers.javadoc.internal} in fibers-web's pom).
 */
package org.fibers.web.http1;
