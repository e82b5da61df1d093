package org.fibers.web.http1;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The {@code Date: ...\r\n} header line, formatted once per second and shared by every
 * connection. A racy cache by design: two threads crossing a second may both format it, and
 * either result is right.
 */
final class DateHeader {
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.ROOT).withZone(ZoneOffset.UTC);

    /** The line for one second; immutable, so publishing it through a volatile field is safe. */
    private record Line(long second, byte[] bytes) {
    }

    private static volatile Line current = format(System.currentTimeMillis() / 1000);

    private DateHeader() {
    }

    /** {@code Date: <IMF-fixdate>\r\n} for now. */
    static byte[] line() {
        long second = System.currentTimeMillis() / 1000;
        Line l = current;
        if (l.second != second) {
            current = l = format(second);
        }
        return l.bytes;
    }

    private static Line format(long second) {
        String s = "Date: " + IMF_FIXDATE.format(Instant.ofEpochSecond(second)) + "\r\n";
        return new Line(second, s.getBytes(StandardCharsets.US_ASCII));
    }
}
