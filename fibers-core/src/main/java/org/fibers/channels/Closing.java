package org.fibers.channels;

import java.util.Optional;
import java.util.function.Function;

/**
 * The raw results by which a closed channel answers its operations, shared by
 * {@link Channel} and {@link BufferedChannel}, and the wrap functions that turn them into what
 * the public operations yield. A raw put result is null (delivered) or {@link #REFUSED}; a raw
 * get result is a message or {@link #END}. Compared by identity, so they never clash with a
 * message.
 */
final class Closing {
    /** A put's raw result when the channel was closed before its message was taken. */
    static final Object REFUSED = new Sentinel("REFUSED");
    /** A get's raw result when the channel is closed and holds no message. */
    static final Object END = new Sentinel("END");

    /** Put result to {@code null}, or ChannelClosedException if refused. */
    static final Function<Object, Void> PUT = raw -> {
        if (raw == REFUSED) {
            throw refused();
        }
        return null;
    };

    /** Get result to the message, or ChannelClosedException at the end. */
    static final Function<Object, Object> GET = raw -> {
        if (raw == END) {
            throw ended();
        }
        return raw;
    };

    /** Get result to an Optional: empty at the end (and for a null message). */
    static final Function<Object, Optional<Object>> GET_OR_END =
            raw -> raw == END ? Optional.empty() : Optional.ofNullable(raw);

    private Closing() {
    }

    static ChannelClosedException refused() {
        return new ChannelClosedException("send on a closed channel: the message was not delivered");
    }

    static ChannelClosedException ended() {
        return new ChannelClosedException("receive on a closed channel with no message left");
    }

    /** A named marker, so a debugger shows what it is. */
    private record Sentinel(String name) {
        @Override
        public String toString() {
            return name;
        }
    }
}
