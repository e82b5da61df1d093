package org.fibers.operations;

/**
 * The op-state of a perform that has a single branch; it is also that branch's
 * {@link Resumer}. <b>Low-level API</b>: a {@link BaseOperation} may override
 * {@link BaseOperation#newSoloState(Thread)} to return a subclass that also serves as its waiter
 * record (a queue node, say), so that a blocked single-branch perform allocates one object
 * instead of two and a peer that completes it touches one object. Such a block function
 * recognises its own subclass by {@code state == resume}.
 */
public class SoloState extends OpState implements Resumer<Object> {
    /**
     * An op-state for a perform by {@code owner}, the calling thread.
     *
     * @param owner the performing thread, which parks on this state
     */
    protected SoloState(Thread owner) {
        super(owner);
    }

    @Override
    public final void resume(Object value) {
        deliver(value);
    }
}
