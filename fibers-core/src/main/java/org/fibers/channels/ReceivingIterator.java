package org.fibers.channels;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * Iterates over the messages of a channel until it is closed and drained: {@link #hasNext()}
 * blocks (suspends the fiber) until a message arrives or the end is seen. One iterator belongs
 * to one consumer thread; several consumers each use their own and share the messages.
 */
final class ReceivingIterator<T> implements Iterator<T> {
    /** Performs one raw receive: a message or {@link Closing#END}. */
    private final Supplier<Object> receive;
    /** The message received by hasNext and not yet returned by next, or NONE, or END. */
    private Object ahead = NONE;

    private static final Object NONE = new Object();

    ReceivingIterator(Supplier<Object> receive) {
        this.receive = receive;
    }

    @Override
    public boolean hasNext() {
        if (ahead == NONE) {
            ahead = receive.get();              // may block; an interrupt leaves ahead at NONE
        }
        return ahead != Closing.END;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the channel is closed and drained");
        }
        Object m = ahead;
        ahead = NONE;
        return (T) m;
    }
}
