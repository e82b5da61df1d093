/**
 * What a connection costs: {@link org.fibers.benchmarks.footprint.ConnectionFootprint} opens many
 * idle connections to a server process from a client process and reads the server's memory per
 * connection, and churns connections to show that nothing is left behind.
 */
package org.fibers.benchmarks.footprint;
