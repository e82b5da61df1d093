/**
 * One-shot conditions (Guile's {@code (fibers conditions)}): a {@link org.fibers.conditions.Condition}
 * is signalled once and then stays signalled, waking every waiter, fiber or thread.
 */
package org.fibers.conditions;
