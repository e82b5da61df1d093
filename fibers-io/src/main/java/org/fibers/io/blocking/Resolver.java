package org.fibers.io.blocking;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.fibers.operations.Operation;

/**
 * A thread-pooled address resolver: getaddrinfo runs on {@link BlockingPool#resolver()} while
 * the calling fiber is suspended (the manual's "Blocking" section asks for exactly this). IP
 * literals are converted at once, without the pool.
 */
public final class Resolver {
    private Resolver() {
    }

    /**
     * Resolves {@code host} to all its addresses, in the system's order. Suspends the calling
     * fiber; blocks a plain thread.
     * The lookup runs on {@link BlockingPool#resolver()}, so the carrier never blocks in
     * getaddrinfo.
     *
     * @param host a host name or address literal
     * @return its addresses, at least one
     * @throws UnknownHostException if it does not resolve
     */
    public static InetAddress[] resolve(String host) throws UnknownHostException {
        if (isLiteral(host)) {
            return InetAddress.getAllByName(host);
        }
        return BlockingPool.resolver().call(() -> InetAddress.getAllByName(host));
    }

    /**
     * An operation that resolves {@code host}, started anew at each perform; a lookup that
     * loses a choice (say, against a timeout) is abandoned. A failed lookup surfaces as an
     * {@link UncheckedIOException} wrapping the {@link UnknownHostException}.
     *
     * @param host a host name or address literal
     * @return the operation, yielding the addresses
     */
    public static Operation<InetAddress[]> resolveOperation(String host) {
        if (isLiteral(host)) {
            try {
                return Operation.always(InetAddress.getAllByName(host));
            } catch (UnknownHostException e) {
                throw new UncheckedIOException(e);
            }
        }
        return BlockingPool.resolver().operation(() -> InetAddress.getAllByName(host));
    }

    /** True for an IPv4 dotted quad or an IPv6 literal, which InetAddress parses without DNS. */
    static boolean isLiteral(String host) {
        if (host == null || host.isEmpty()) {
            return true; // the loopback address, no lookup
        }
        if (host.indexOf(':') >= 0) {
            return true; // IPv6 (possibly bracketed); no host name contains ':'
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return false;
            }
        }
        return true;
    }
}
