/**
 * Concurrent ML operations (Guile's {@code (fibers operations)}), after "Parallel Concurrent ML"
 * (Reppy, Russo, Xiao, ICFP 2009).
 *
 * <p>Everyday API: {@link org.fibers.operations.Operation} with {@code perform}, {@code wrap},
 * {@code choice}, {@code guard}, {@code withNack}, {@code always}, {@code never}.
 *
 * <p>Low-level API, for writing new primitive operations: {@link org.fibers.operations.BaseOperation}
 * (try and block functions), {@link org.fibers.operations.OpState} (the WAITING / CLAIMED / SYNCED
 * word shared by the branches of one blocked perform) and {@link org.fibers.operations.Resumer}.
 *
 * <p>Memory-ordering vocabulary in the implementation comments: "CAS" is a volatile
 * compare-and-set (or compare-and-exchange, whose witness value names the outcome), "release" a
 * {@code setRelease}, "plain" an ordinary field access ordered by a later release or earlier
 * acquire. W, C, S abbreviate WAITING, CLAIMED, SYNCED.
 */
package org.fibers.operations;
