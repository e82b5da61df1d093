package org.fibers.web;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Test helper: copies what is written to System.err (where slf4j-simple logs, looking the stream
 * up on every line) into a buffer while open, so a test can assert on the server's log.
 */
final class LogCapture implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    LogCapture() {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (copy) {
                    copy.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (copy) {
                    copy.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    /** Everything logged so far. */
    String text() {
        synchronized (copy) {
            return copy.toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * True if a stack trace or a WARN/ERROR line was logged (the runtime's one-time JDK advisory
     * aside, which any first fiber may print).
     */
    boolean hasTroubles() {
        for (String line : text().split("\n")) {
            if (line.contains("JDK-8364343")) {
                continue;
            }
            if (line.startsWith("\tat ") || line.contains(" WARN ") || line.contains(" ERROR ") || line.contains("Exception in")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
