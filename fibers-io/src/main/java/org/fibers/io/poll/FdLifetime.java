package org.fibers.io.poll;

import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may still use a descriptor: a count of references (system calls in flight, and a closer
 * while it runs) with a CLOSED bit. The descriptor is closed by whoever drops the last
 * reference after CLOSED is set, so a concurrent close can never make an in-flight system call
 * hit a descriptor number that was closed and reused. Lock-free, any thread.
 */
final class FdLifetime {
    private static final Logger LOG = LoggerFactory.getLogger(FdLifetime.class);

    /*
     * Use word: CLOSED_BIT | number of references.
     *   open, n --acquire--> n+1 --release--> n
     *   open, n --beginClose--> CLOSED|n+1 (the closer's own reference) --release--> ...
     *   the release() that leaves CLOSED|0 closes the descriptor (final)
     */
    private static final int CLOSED_BIT = 1 << 30;
    private volatile int use;

    private final FileDescriptor fd;

    FdLifetime(FileDescriptor fd) {
        this.fd = fd;
    }

    boolean isOpen() {
        return (use & CLOSED_BIT) == 0;
    }

    /** Takes a reference for a system call; false if closed. Pair with {@link #release()}. */
    boolean acquire() {
        for (;;) {
            int u = use;
            if ((u & CLOSED_BIT) != 0) {
                return false;
            }
            if (USE.compareAndSet(this, u, u + 1)) {
                return true; // counted in: a close now defers the real close to our release
            }
            // another acquire, release or close changed the word: read it again
        }
    }

    /** Drops a reference; closes the descriptor if it was the last one after CLOSED. */
    void release() {
        int u = (int) USE.getAndAdd(this, -1) - 1;
        if (u == CLOSED_BIT) {
            try {
                fd.close(); // closed meanwhile and we were the last one out
            } catch (IOException e) {
                LOG.debug("close({}) failed", fd.intValue(), e);
            }
        }
    }

    /**
     * Sets CLOSED and takes a reference for the closer, so that the descriptor stays open (and
     * its number ours) until the closer calls {@link #release()}.
     *
     * @return false if it was closed already (then no reference was taken)
     */
    boolean beginClose() {
        for (;;) {
            int u = use;
            if ((u & CLOSED_BIT) != 0) {
                return false; // closed already, or another closer is at work
            }
            if (USE.compareAndSet(this, u, (u | CLOSED_BIT) + 1)) {
                return true; // ours: no new reference can be taken now
            }
            // a system call started or ended meanwhile: read the word again
        }
    }

    // VarHandle mechanics
    private static final VarHandle USE;

    static {
        try {
            USE = MethodHandles.lookup().findVarHandle(FdLifetime.class, "use", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
