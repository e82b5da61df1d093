/**
 * The web examples on {@link org.fibers.web.FiberWebServer}: Guile's "Hello, World!" server
 * ({@link org.fibers.examples.web.WebHello}) and a server whose handler waits on slow work done
 * by a backend fiber over a channel ({@link org.fibers.examples.web.WebConcurrent}), so that
 * many slow requests are served at once.
 */
package org.fibers.examples.web;
