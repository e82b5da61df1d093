package org.fibers.examples.memcached;

/**
 * memcached's expiry rules: 0 never expires; up to 30 days is seconds from now; beyond that an
 * absolute Unix time (one not after the server started is already past); negative means
 * already expired. Deadlines are wall-clock milliseconds, 0 for never.
 */
final class Expiry {
    /** memcached's REALTIME_MAXDELTA: 30 days in seconds. */
    static final long MAX_RELATIVE_SECONDS = 60L * 60 * 24 * 30;

    private Expiry() {
    }

    /** The deadline for an expiry argument given at {@code nowMillis}; 0 for never. */
    static long deadline(long exptime, long nowMillis, long startMillis) {
        if (exptime == 0) {
            return 0;
        }
        if (exptime < 0) {
            return 1; // long past: expired at once
        }
        if (exptime > MAX_RELATIVE_SECONDS) {
            long at = exptime * 1000;
            return at <= startMillis ? 1 : at;
        }
        return nowMillis + exptime * 1000;
    }

    /** Seconds left before {@code deadline}, -1 for never (the meta protocol's t flag). */
    static long remainingSeconds(long deadline, long nowMillis) {
        if (deadline == 0) {
            return -1;
        }
        return Math.max(0, (deadline - nowMillis + 999) / 1000);
    }
}
