package org.fibers.web.http1;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import org.fibers.scheduler.Scheduler;

/**
 * How an HTTP/1.1 server listens and what it tolerates; built by
 * {@code FiberWebServer.Builder}. Internal to fibers-web's layers.
 *
 * @param address where to listen (port 0 picks a free one)
 * @param backlog the listen backlog
 * @param parallelism schedulers to create when {@code scheduler} is null
 * @param scheduler an existing scheduler group to run on, or null to create one
 * @param maxRequestLine longest request line in bytes (longer: 414)
 * @param maxHeaderBytes largest header section in bytes (larger: 431)
 * @param maxBody largest request body in bytes (larger: 413)
 * @param maxRequestsPerConnection requests served on one connection before it is closed
 * @param readHeaderTimeout time allowed from a request's first byte to the end of its headers (then 408)
 * @param readBodyTimeout longest wait for the next bytes of a request body
 * @param idleTimeout longest wait for the next request on a kept-alive connection
 * @param gracePeriod how long {@code close()} lets requests in flight finish before cancelling them
 * @param serverName the {@code Server} header's value
 */
public record ServerConfig(InetSocketAddress address, int backlog, int parallelism, Scheduler scheduler,
        int maxRequestLine, int maxHeaderBytes, long maxBody, int maxRequestsPerConnection,
        Duration readHeaderTimeout, Duration readBodyTimeout, Duration idleTimeout, Duration gracePeriod,
        String serverName) {
    /** Checks every field. */
    public ServerConfig {
        Objects.requireNonNull(address, "address");
        positive("backlog", backlog);
        positive("parallelism", parallelism);
        positive("maxRequestLine", maxRequestLine);
        positive("maxHeaderBytes", maxHeaderBytes);
        if (maxBody < 0) {
            throw new IllegalArgumentException("maxBody must not be negative: " + maxBody);
        }
        positive("maxRequestsPerConnection", maxRequestsPerConnection);
        positive("readHeaderTimeout", readHeaderTimeout);
        positive("readBodyTimeout", readBodyTimeout);
        positive("idleTimeout", idleTimeout);
        Objects.requireNonNull(gracePeriod, "gracePeriod");
        if (gracePeriod.isNegative()) {
            throw new IllegalArgumentException("gracePeriod must not be negative: " + gracePeriod);
        }
        Objects.requireNonNull(serverName, "serverName");
    }

    private static void positive(String what, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(what + " must be positive: " + v);
        }
    }

    private static void positive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
    }
}
