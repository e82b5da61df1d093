/**
 * Introspection: every live scheduler and fiber by name, what each fiber waits for (channel
 * and direction, each branch of a choice, timer and deadline, fd and direction, condition,
 * join, scope) and since when, a fiber's stack, and dumps as text and JSON. The entry point is
 * {@link org.fibers.introspect.Introspection}; {@link org.fibers.introspect.DescribesWait} is
 * the SPI through which other modules (fibers-io) describe their waits.
 */
package org.fibers.introspect;
