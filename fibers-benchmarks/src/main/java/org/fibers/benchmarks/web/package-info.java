/**
 * The web comparison of issue 29: a hello handler on {@code FiberWebServer}
 * ({@link org.fibers.benchmarks.web.FiberHello}), on the {@code com.sun.net.httpserver} API
 * ({@link org.fibers.benchmarks.web.JdkHello}, run on the JDK's own provider or on ours), on
 * Helidon SE 4 ({@link org.fibers.benchmarks.web.HelidonHello}) and on Netty's HTTP codec over
 * native epoll ({@link org.fibers.benchmarks.web.NettyHello}), each a main started in its own
 * JVM; {@link org.fibers.benchmarks.web.WebComparison} loads them with wrk in turns and prints
 * a markdown table.
 */
package org.fibers.benchmarks.web;
