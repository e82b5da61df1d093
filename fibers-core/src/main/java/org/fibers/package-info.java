/**
 * Fibers for Java: lightweight threads (Loom virtual threads) on work-stealing schedulers,
 * with Concurrent ML operations. Start with {@link org.fibers.Fibers#run}.
 */
package org.fibers;
