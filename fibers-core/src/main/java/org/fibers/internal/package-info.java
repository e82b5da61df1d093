/** Loom internals used by Fibers. Not API: it may change in any release. */
package org.fibers.internal;
