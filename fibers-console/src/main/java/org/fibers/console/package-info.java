/**
 * A console for a running Fibers system: Guile's REPL commands ({@code scheds},
 * {@code spawn-sched}, {@code kill-sched}, {@code spawn-fiber}) plus {@code fibers},
 * {@code fiber}, {@code stats} and {@code help}, read from standard input (with JLine's line
 * editing, history and completion on a terminal) or from a loopback TCP port. {@code spawn-fiber}
 * compiles its Java code with the JDK's JShell API and runs it in this JVM, with the
 * application's classes visible. Everything it shows comes from {@link org.fibers.introspect}.
 */
package org.fibers.console;
