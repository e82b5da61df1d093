/**
 * FiberWebServer: an embeddable HTTP/1.1 server whose handlers run in parallel fibers, with a
 * backend for the JDK's {@code com.sun.net.httpserver} API. This module holds only its package
 * declaration until the web-server work begins; it builds on fibers-core and fibers-io.
 */
package org.fibers.web;
