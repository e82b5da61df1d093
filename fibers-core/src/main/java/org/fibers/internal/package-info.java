/**
 * Loom internals used by Fibers. Not API: it may change in any release. It is left out of the
 * published javadoc and of its doclint check ({@code fibers.javadoc.internal} in fibers-core's
 * pom), like every internal package.
 */
package org.fibers.internal;
