/**
 * The manual's Ping example (Guile's {@code examples/ping-server.scm} and
 * {@code ping-client.scm}), wire-compatible with both in either direction:
 * {@link org.fibers.examples.ping.PingServer} echoes newline-terminated lines, one fiber per
 * connection, with the two flaws the manual admits fixed (a maximum line length and an idle
 * timeout); {@link org.fibers.examples.ping.PingClient} makes N connections of M requests each
 * and checks every echo; {@link org.fibers.examples.ping.PingDemo} runs both in one process.
 */
package org.fibers.examples.ping;
