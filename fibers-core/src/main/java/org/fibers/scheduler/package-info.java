/**
 * Schedulers: carrier threads with run queues, inboxes, timers and pollers; Guile's
 * "Schedulers and Tasks" API. Most programs only need {@link org.fibers.Fibers}.
 */
package org.fibers.scheduler;
