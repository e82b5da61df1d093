/**
 * {@code console-demo}: a small system to look at with the Fibers console: schedulers whose
 * fibers wait on channels, a choice with a timer, sleeps and sockets.
 */
package org.fibers.examples.console;
