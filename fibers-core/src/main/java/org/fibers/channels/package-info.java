/**
 * Unbuffered rendezvous channels (Guile's {@code (fibers channels)}) on the lock-free Parallel
 * CML protocol of {@link org.fibers.operations}. Safe between fibers on any schedulers and plain
 * platform threads.
 */
package org.fibers.channels;
