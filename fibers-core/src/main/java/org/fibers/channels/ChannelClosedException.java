package org.fibers.channels;

/**
 * Thrown by a send on a closed channel ({@link Channel#close()}, {@link BufferedChannel#close()}),
 * including a sender that was waiting when the channel was closed (its message was not
 * delivered), and by a plain receive ({@code get}, {@code getOperation}) once a closed channel
 * has no message left. Unchecked, like the other exceptions of blocking calls.
 */
public class ChannelClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message saying what was refused.
     *
     * @param message the detail message
     */
    public ChannelClosedException(String message) {
        super(message);
    }
}
