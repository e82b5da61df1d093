package org.fibers.introspect;

/**
 * A snapshot of one live fiber, as {@link Introspection} saw it.
 *
 * @param name          the fiber's name ({@code fiber-42} unless set)
 * @param id            the id of its virtual thread
 * @param state         {@code RUNNABLE}, {@code SUSPENDED} or {@code DONE}
 * @param scheduler     the name of the scheduler that owns it
 * @param ageNanos      how long it has lived, at the preemption ticker's resolution; -1 if unknown
 * @param waitingFor    what it waits for; null unless suspended in a wait that describes itself
 * @param waitNanos     how long it has waited; -1 if unknown or not waiting
 */
public record FiberInfo(String name, long id, String state, String scheduler, long ageNanos,
                        WaitDescription waitingFor, long waitNanos) {
}
