package org.fibers.benchmarks.web;

/** What every hello server answers, and how it says it is ready. */
final class Hello {
    /** The body every server sends: {@code text/plain; charset=utf-8}, 13 bytes. */
    static final String TEXT = "Hello, World!";
    /** The Content-Type every server sends. */
    static final String CONTENT_TYPE = "text/plain; charset=utf-8";

    private Hello() {
    }

    /** Prints the line WebComparison waits for: what serves, then "PORT n". */
    static void announce(String implementation, int port) {
        System.out.println("SERVING " + implementation);
        System.out.println("PORT " + port);
        System.out.flush();
    }
}
