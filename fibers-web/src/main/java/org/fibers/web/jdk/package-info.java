/**
 * The JDK's {@code com.sun.net.httpserver} API on fibers: {@link org.fibers.web.jdk.FiberHttpServerProvider}
 * is registered in {@code META-INF/services}, so with fibers-web on the class path an unmodified
 * application's {@code HttpServer.create(...)} returns a {@link org.fibers.web.jdk.FiberHttpServer}:
 * contexts, filters, authenticators and {@code HttpExchange} behave as the JDK documents them,
 * and each connection is a fiber of FiberWebServer's HTTP/1.1 engine ({@code org.fibers.web.http1}),
 * whose parser and response writer serve both APIs.
 *
 * <p>Differences from the JDK's own implementation: handlers run in the connection's fiber
 * whatever executor is set ({@code setExecutor} is accepted and reported by {@code getExecutor},
 * but not used: a fiber may block, so there is nothing to hand off); the request head is checked
 * as strictly as FiberWebServer's (see {@code org.fibers.web}); {@code HttpsServer.create} throws
 * {@link java.lang.UnsupportedOperationException}.
 */
package org.fibers.web.jdk;
