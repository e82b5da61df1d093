/** Runnable examples: {@link org.fibers.examples.Main} dispatches to each one. */
package org.fibers.examples;
